#!/usr/bin/env python3
"""crm.py: issue 13's bar for bench/run's (y) section (bench/lib/crm.sh), Python 3 stdlib only.

crm.py send --base-file F --fake URL --customers N --changes M --threads T --progress P --summary S
    Sends M changes to N customers (M/N each, in order per customer; a customer belongs to one thread)
    through ordersync's customer API over keep-alive connections. The server's address is read from
    F at every (re)connection: crm.sh kills the server with -9 and restarts it on another port, and the
    sender retries the change it was on until it is acknowledged (every change is idempotent: a PUT or
    PATCH sent again is `unchanged`, a DELETE of a deleted customer too). Meanwhile it injects a few
    faults into the fake CRMs whenever none is pending (at most 4 in a row per CRM, so the circuit
    breaker's 5 transient pushes in a row are never reached and the run is not one long cool-down).
    Writes the number of acknowledged changes to P (about every 0.05 s) and a JSON summary to S.

    Change `s` (0-based) of customer `n`, the city carrying `step-GGGGGG` with G = s * N + n (so it
    only grows per customer and the order of arrival can be read in the CRMs' request log):
      s = 0        PUT {email, first_name, last_name, city}
      s = 4        DELETE when n % 50 == 11 (brought back by s = 5)
      s = 5        PUT again (first_name changed): a replace
      last step    DELETE when n % 20 == 3 (deleted at the end)
      otherwise    PATCH {city} (s = 7 also sets company)
    Customer n's email ends in `.invalid` when n % 100 == 7 (1 %): ordersync accepts it, both CRMs refuse
    it. No invalid customer is ever deleted.

crm.py check --base URL --fake URL --summary S --segments SEGS --metrics FILE... [--drained-at T]
    Prints key=value words for bench/run (put as y_<key>):
      state_wrong       customers whose state in ordersync differs from the plan's last change (a lost change)
      hs_missing/hs_extra/hs_wrong, sf_…   the CRM's contacts against every valid live customer's latest
                        state in ordersync (`GET /customers`): HubSpot keyed by lower-cased email, Salesforce
                        by Ordersync_Id__c, compared on the city
      hs_dead/sf_dead, hs_dead_wrong/sf_dead_wrong   distinct customers in `GET /outbox/dead` for the CRM,
                        and how many differ from the invalid customers (either way)
      hs_regressions/sf_regressions   records whose city step is lower than one the CRM received before
                        for that customer (the request log, in arrival order)
      hs_429_unexpected  HubSpot 429s not injected as faults (the window was exceeded)
      hs_window_max     most admitted HubSpot requests in any 10 s (the fake's window: 100)
      hs_bucket_over/sf_bucket_over   the largest overdraft of the configured token bucket (HubSpot burst
                        10, 9/s; Salesforce 25, 25/s) over each server process's requests, in requests, by
                        the fake's arrival times; crm.sh tells the processes apart by the log's seq at each kill
      hs_requests/sf_requests, hs_faulted/sf_faulted   API requests in the fake's log (token requests
                        excluded), and those answered by an injected fault
      hs_min/sf_min     the minimum the batching allows (below)
      hs_lat_p50/p99, sf_…   ordersync_crm_delivery_latency_seconds summed over the three processes'
                        /metrics (each scraped just before its kill, the last after the drain): the upper
                        bound of the histogram bucket holding the quantile
    The minimum: the fewest requests that can carry every customer's final state to an empty CRM when
    each customer is sent once: ceil(L / B) upserts + D deletes, L the customers live at the end
    (the invalid ones too: each must be tried once to be dead-lettered), B the batch size (HubSpot 100,
    Salesforce 200), D the customers deleted at the end (one DELETE request each). A lower bound: the
    changes arrive while the deliveries run, so a customer delivered before its next change must be sent
    again, and the faults and the kills cost retries.
"""
import argparse
import http.client
import json
import math
import os
import random
import sys
import threading
import time
import urllib.parse
import urllib.request


def get_json(url, timeout=30):
    with urllib.request.urlopen(url, timeout=timeout) as answer:
        return json.loads(answer.read())


def post_json(url, body, timeout=10):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return json.loads(answer.read() or b"{}")


# --- the plan -----------------------------------------------------------------------------------------
def email(n):
    return f"c{n}@example.invalid" if n % 100 == 7 else f"c{n}@example.org"


def invalid(n):
    return n % 100 == 7


def change(n, s, customers, steps):
    """(method, body or None) of change s of customer n."""
    city = f"step-{s * customers + n:06d}"
    if s == 0:
        return "PUT", {"email": email(n), "first_name": f"F{n}", "last_name": f"L{n}", "city": city}
    if s == 4 and n % 50 == 11:
        return "DELETE", None
    if s == 5:
        return "PUT", {"email": email(n), "first_name": f"G{n}", "last_name": f"L{n}", "city": city}
    if s == steps - 1 and n % 20 == 3:
        return "DELETE", None
    if s == 7:
        return "PATCH", {"city": city, "company": f"Co{n}"}
    return "PATCH", {"city": city}


def final_state(n, customers, steps):
    """The customer's state after the plan (None: deleted), as GET /customers shows it (without id)."""
    state = None
    for s in range(steps):
        method, body = change(n, s, customers, steps)
        if method == "DELETE":
            state = None
        elif method == "PUT":
            state = dict(body)
        else:
            state.update(body)
    return state


# --- send ---------------------------------------------------------------------------------------------
def send(args):
    steps = args.changes // args.customers
    total = steps * args.customers
    lock = threading.Lock()
    counts = {"acked": 0, "retries": 0, "failed": 0, "faults_injected": 0}
    statuses = {}
    done = threading.Event()

    def base():
        with open(args.base_file) as f:
            return urllib.parse.urlsplit(f.read().strip())

    def worker(w):
        conn = None
        for s in range(steps):
            for n in range(w, args.customers, args.threads):
                method, body = change(n, s, args.customers, steps)
                data = json.dumps(body, separators=(",", ":")).encode() if body is not None else None
                headers = {"Content-Type": "application/json"} if data is not None else {}
                deadline = time.monotonic() + args.change_timeout
                while True:
                    try:
                        if conn is None:
                            u = base()
                            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
                        conn.request(method, f"/customers/c-{n}", body=data, headers=headers)
                        answer = conn.getresponse()
                        answer.read()
                        if answer.getheader("Connection", "").lower() == "close":
                            conn.close()
                            conn = None
                        with lock:
                            statuses[answer.status] = statuses.get(answer.status, 0) + 1
                        if answer.status in (200, 201):
                            with lock:
                                counts["acked"] += 1
                            break
                        if answer.status < 500 and answer.status != 429:  # a refusal: sending again changes nothing
                            with lock:
                                counts["failed"] += 1
                            print(f"c-{n} step {s}: {method} answered {answer.status}", file=sys.stderr)
                            break
                    except (OSError, http.client.HTTPException):
                        if conn is not None:
                            conn.close()
                        conn = None
                    with lock:
                        counts["retries"] += 1
                    if time.monotonic() > deadline:
                        with lock:
                            counts["failed"] += 1
                        print(f"c-{n} step {s}: {method} not acknowledged in {args.change_timeout} s", file=sys.stderr)
                        break
                    time.sleep(0.05 + random.random() * 0.1)
        if conn is not None:
            conn.close()

    def progress():
        while not done.wait(0.05):
            with lock:
                acked = counts["acked"] + counts["failed"]
            with open(args.progress + ".tmp", "w") as f:
                f.write(f"{acked}\n")
            os.replace(args.progress + ".tmp", args.progress)

    # A few faults per CRM whenever none is pending (never more than 4 in a row).
    fault_sets = {
        "hubspot": [{"provider": "hubspot", "kind": "rate-limit", "count": 1, "retry_after": 1},
                    {"provider": "hubspot", "kind": "status", "count": 2, "status": 502}],
        "salesforce": [{"provider": "salesforce", "kind": "status", "count": 2, "status": 503},
                       {"provider": "salesforce", "kind": "drop", "count": 1}],
    }

    def injector():
        while not done.wait(args.fault_every):
            try:
                stats = get_json(args.fake + "/_fake/stats", timeout=5)["providers"]
                for provider, faults in fault_sets.items():
                    if stats.get(provider, {}).get("faults_pending", 1) == 0:
                        post_json(args.fake + "/_fake/faults", faults, timeout=5)
                        with lock:
                            counts["faults_injected"] += sum(f["count"] for f in faults)
            except (OSError, ValueError, KeyError) as e:
                print(f"fault injection: {e}", file=sys.stderr)

    started = time.time()
    helpers = [threading.Thread(target=progress, daemon=True), threading.Thread(target=injector, daemon=True)]
    for t in helpers:
        t.start()
    workers = [threading.Thread(target=worker, args=(w,)) for w in range(args.threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    finished = time.time()
    done.set()
    for t in helpers:
        t.join(timeout=10)
    with open(args.progress, "w") as f:
        f.write(f"{counts['acked'] + counts['failed']}\n")
    summary = dict(counts, changes=total, customers=args.customers, steps=steps, threads=args.threads,
                   started=started, finished=finished, seconds=round(finished - started, 3),
                   statuses={str(k): v for k, v in sorted(statuses.items())})
    with open(args.summary, "w") as f:
        json.dump(summary, f)
    return 0 if counts["failed"] == 0 else 1


# --- check --------------------------------------------------------------------------------------------
def paged_customers(base):
    live, after = {}, None
    while True:
        page = get_json(base + "/customers?limit=1000" + (f"&after={urllib.parse.quote(after)}" if after else ""))
        for c in page.get("customers", []):
            live[c["id"]] = c["customer"]
        after = page.get("next_after")
        if not after:
            return live


def paged_contacts(fake, provider):
    out, after = [], None
    while True:
        page = get_json(f"{fake}/_fake/crm/contacts?provider={provider}&limit=10000" + (f"&after={after}" if after else ""))
        out += page.get("contacts", [])
        after = page.get("next_after")
        if after is None:
            return out


def paged_dead(base):
    out, before = [], None
    while True:
        page = get_json(base + "/outbox/dead?limit=1000" + (f"&before={before}" if before else ""))
        out += page.get("dead", [])
        before = page.get("next_before")
        if before is None:
            return out


def request_log(fake, provider):
    entries, since, dropped = [], 0, 0
    while True:
        page = get_json(f"{fake}/_fake/crm/requests?provider={provider}&since={since}&limit=5000")
        entries += page.get("entries", [])
        dropped = max(dropped, page.get("dropped", 0))
        if not page.get("more"):
            return entries, dropped
        since = page["next_since"]


def bucket_overdraft(times_ms, burst, per_second):
    """The largest overdraft (requests) of a token bucket that starts full, by these arrival times."""
    tokens, last, worst = float(burst), None, 0.0
    for t in times_ms:
        if last is not None:
            tokens = min(float(burst), tokens + (t - last) / 1000.0 * per_second)
        last = t
        tokens -= 1
        worst = max(worst, -tokens)
    return worst


def window_max(times_ms, window_ms=10_000):
    worst, lo = 0, 0
    for hi, t in enumerate(times_ms):
        while times_ms[lo] <= t - window_ms:
            lo += 1
        worst = max(worst, hi - lo + 1)
    return worst


def latency_quantiles(files, crm):
    """p50, p99 (upper bound of the bucket holding them) of the delivery latency summed over the files."""
    buckets = {}
    name = "ordersync_crm_delivery_latency_seconds_bucket"
    for path in files:
        try:
            lines = open(path).read().splitlines()
        except OSError:
            continue
        for line in lines:
            if not line.startswith(name + "{") or f'crm="{crm}"' not in line:
                continue
            labels, value = line.rsplit(" ", 1)
            le = labels.split('le="', 1)[1].split('"', 1)[0]
            bound = math.inf if le == "+Inf" else float(le)
            buckets[bound] = buckets.get(bound, 0) + float(value)
    if not buckets or buckets.get(math.inf, max(buckets.values())) == 0:
        return None, None
    ordered = sorted(buckets.items())
    total = ordered[-1][1]

    def q(p):
        for bound, cumulative in ordered:
            if cumulative >= p * total:
                return bound
        return math.inf
    return q(0.5), q(0.99)


def check(args):
    summary = json.load(open(args.summary))
    customers, steps = summary["customers"], summary["steps"]
    out = {}
    live = paged_customers(args.base)
    # ordersync against the plan: every acknowledged change kept (the CRMs are then judged against ordersync).
    wrong = 0
    for n in range(customers):
        want, got = final_state(n, customers, steps), live.get(f"c-{n}")
        if want is None or got is None:
            wrong += (want is None) != (got is None)
        elif any(got.get(k) != v for k, v in want.items()):
            wrong += 1
    out["live"] = len(live)
    out["state_wrong"] = wrong
    refused = {f"c-{n}" for n in range(customers) if invalid(n)}
    valid = {cid: c for cid, c in live.items() if cid not in refused}
    out["valid_live"] = len(valid)
    out["invalid"] = len(refused)
    deleted_end = sum(1 for n in range(customers) if final_state(n, customers, steps) is None)
    out["deleted"] = deleted_end

    # End state in each CRM.
    expected = {
        "hubspot": {c["email"].lower(): c.get("city") for c in valid.values()},
        "salesforce": {cid: c.get("city") for cid, c in valid.items()},
    }
    got = {
        "hubspot": {c["properties"]["email"]: c["properties"].get("city") for c in paged_contacts(args.fake, "hubspot")},
        "salesforce": {c.get("Ordersync_Id__c"): c.get("MailingCity") for c in paged_contacts(args.fake, "salesforce")},
    }
    dead = paged_dead(args.base)
    segments = {}
    for part in args.segments.split(";"):
        if ":" in part:
            p, seqs = part.split(":", 1)
            segments[p] = [int(x) for x in seqs.split(",") if x]
    for crm, p, batch, burst, rate in (("hubspot", "hs", 100, 10, 9), ("salesforce", "sf", 200, 25, 25)):
        e, g = expected[crm], got[crm]
        out[p + "_contacts"] = len(g)
        out[p + "_missing"] = sum(1 for k in e if k not in g)
        out[p + "_extra"] = sum(1 for k in g if k not in e)
        out[p + "_wrong"] = sum(1 for k in e if k in g and g[k] != e[k])
        ids = {d["customer_id"] for d in dead if d["crm"] == crm}
        out[p + "_dead"] = len(ids)
        out[p + "_dead_letters"] = sum(1 for d in dead if d["crm"] == crm)
        out[p + "_dead_wrong"] = len(ids ^ refused)

        entries, dropped = request_log(args.fake, crm)
        out[p + "_log_dropped"] = dropped
        last, regressions, records, unexpected429 = {}, 0, 0, 0
        for entry in entries:
            if entry.get("status") == 429 and entry.get("fault") is None:
                unexpected429 += 1
            for rec in entry.get("records") or []:
                record = rec.get("record") or {}
                city = record.get("city", record.get("MailingCity"))
                if not isinstance(city, str) or not city.startswith("step-"):
                    continue
                records += 1
                if city < last.get(rec["key"], ""):
                    regressions += 1
                    print(f"{crm} {rec['key']}: {city} after {last[rec['key']]} (seq {entry['seq']})", file=sys.stderr)
                last[rec["key"]] = max(city, last.get(rec["key"], ""))
        out[p + "_records"] = records
        out[p + "_regressions"] = regressions
        out[p + "_429_unexpected"] = unexpected429
        out[p + "_requests"] = len(entries)
        out[p + "_faulted"] = sum(1 for x in entries if x.get("fault") is not None)
        admitted = [x["time_ms"] for x in entries if x.get("fault") is None and x.get("status") != 429]
        out[p + "_window_max"] = window_max(admitted)
        # The bucket, per server process: every request it sent, faulted ones included.
        bounds = segments.get(crm, []) + [math.inf]
        worst, lo = 0.0, -math.inf
        for hi in bounds:
            times = [x["time_ms"] for x in entries if lo < x["seq"] <= hi]
            worst = max(worst, bucket_overdraft(times, burst, rate))
            lo = hi
        out[p + "_bucket_over"] = round(worst, 2)
        live_end = customers - deleted_end
        out[p + "_min"] = math.ceil(live_end / batch) + deleted_end
        p50, p99 = latency_quantiles(args.metrics, crm)
        out[p + "_lat_p50"] = "n/a" if p50 is None else p50
        out[p + "_lat_p99"] = "n/a" if p99 is None else p99

    if args.drained_at:
        secs = float(args.drained_at) - summary["started"]
        out["e2e_secs"] = round(secs, 1)
        out["e2e_cps"] = round(summary["changes"] / secs, 1) if secs > 0 else 0
    out["api_secs"] = summary["seconds"]
    out["api_cps"] = round(summary["changes"] / summary["seconds"], 1) if summary["seconds"] else 0
    for k in ("changes", "acked", "failed", "retries", "faults_injected"):
        out[k] = summary[k]
    print(" ".join(f"{k}={v}" for k, v in out.items()))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("send")
    s.add_argument("--base-file", required=True)
    s.add_argument("--fake", required=True)
    s.add_argument("--customers", type=int, default=1000)
    s.add_argument("--changes", type=int, default=10000)
    s.add_argument("--threads", type=int, default=8)
    s.add_argument("--progress", required=True)
    s.add_argument("--summary", required=True)
    s.add_argument("--change-timeout", type=float, default=120)
    s.add_argument("--fault-every", type=float, default=1.0)
    c = sub.add_parser("check")
    c.add_argument("--base", required=True)
    c.add_argument("--fake", required=True)
    c.add_argument("--summary", required=True)
    c.add_argument("--segments", default="")
    c.add_argument("--metrics", nargs="*", default=[])
    c.add_argument("--drained-at")
    args = parser.parse_args()
    return send(args) if args.command == "send" else check(args)


if __name__ == "__main__":
    sys.exit(main())
