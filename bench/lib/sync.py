#!/usr/bin/env python3
"""sync.py: helpers of bench/run's (s) section.

  sync.py check BASE DB          every record of the fake's data set stored exactly once?
                                 prints key=value: orders= contacts= customers= missing= doubled=
  sync.py totals SUMMARY.json    requests= retries= inserted= pages= unmatched= of a run's summary
  sync.py reference BASE N_ORDERS N_CONTACTS N_CUSTOMERS
                                 the minimal page walk with plain urllib (no faults, nothing stored):
                                 prints requests= secs=
"""
import json, math, sqlite3, sys, time, urllib.request

SHOPIFY_TOKEN, ZOHO_ID, ZOHO_SECRET, ZOHO_REFRESH, CUSTOMERS_KEY = (
    "shpat_bench", "1000.BENCH", "bench-secret", "1000.bench-refresh", "bench-key")


def get(url, headers=None, data=None):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return resp.status, dict(resp.headers), resp.read()


def check(base, db):
    data = json.loads(get(base + "/_fake/dataset")[2])
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    out, missing, doubled = {}, 0, 0
    for source, key, field in (("shopify", "orders", "id"), ("zoho", "contacts", "id"), ("customers", "customers", "id")):
        ids = {str(x[field]) for x in data[key]}
        stored = {row[0]: row[1] for row in con.execute(
            "SELECT source_id, count(DISTINCT payload) - count(*) FROM source_records WHERE source = ? GROUP BY source_id", (source,))}
        missing += len(ids - stored.keys())
        doubled += sum(1 for v in stored.values() if v != 0)  # a payload stored twice
        out[key] = len(stored)
    out["missing"], out["doubled"] = missing, doubled
    print(" ".join(f"{k}={v}" for k, v in out.items()))


def reference(base, orders, contacts, customers):
    start, requests = time.monotonic(), 0
    url = f"{base}/admin/api/2026-01/orders.json?status=any&limit=250"
    while url:
        status, headers, _ = get(url, {"X-Shopify-Access-Token": SHOPIFY_TOKEN})
        requests += 1
        link = headers.get("Link", "")
        url = next((p.split(";")[0].strip()[1:-1] for p in link.split(",") if 'rel="next"' in p), None)
    form = f"grant_type=refresh_token&client_id={ZOHO_ID}&client_secret={ZOHO_SECRET}&refresh_token={ZOHO_REFRESH}"
    token = json.loads(get(base + "/oauth/v2/token", data=form.encode())[2])["access_token"]
    requests += 1
    page, params = 1, "fields=Email,Last_Name&per_page=200"
    while True:
        q = f"{params}&page={page}" if page <= 10 else f"{params}&page_token={next_token}"
        body = json.loads(get(f"{base}/crm/v8/Contacts?{q}", {"Authorization": "Zoho-oauthtoken " + token})[2])
        requests += 1
        if not body["info"]["more_records"]:
            break
        next_token, page = body["info"].get("next_page_token"), page + 1
    for page in range(1, math.ceil(customers / 100) + 1):
        get(f"{base}/api/users?page={page}&per_page=100", {"x-api-key": CUSTOMERS_KEY})
        requests += 1
    print(f"requests={requests} secs={time.monotonic() - start:.3f}")


def totals(path):
    d = json.load(open(path))
    t = d["totals"]
    print(f"requests={t['requests']} retries={t['retries']} inserted={t['inserted']} pages={t['pages']} "
          f"unmatched={d['unmatched_orders']}")


if __name__ == "__main__":
    if sys.argv[1] == "totals":
        totals(sys.argv[2])
    elif sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    else:
        reference(sys.argv[2], *map(int, sys.argv[3:6]))
