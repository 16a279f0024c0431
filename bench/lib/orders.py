#!/usr/bin/env python3
"""Data helpers for bench/run (c) and (v).

  orders.py load PORT ORDERS VERSIONS   POST ORDERS x VERSIONS rows, 1,000 per batch
  orders.py check PORT ORDERS VERSIONS  GET / and check every order is there once
                                        with its last version and versions=VERSIONS
  orders.py lifecycle PORT ORDERS 4     POST ORDERS x 4 realistic versions (below), 1,000 per batch
Each prints one `key=value ...` line; exit 1 on any wrong answer.
"""
import http.client
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

BATCH, CONNS, TIMEOUT = 1000, 4, 60
STATUSES = ["processing", "shipped", "delivered", "returned", "closed"]


def order(i, v):
    # Version v of order i: a new status and a later updated_at each time.
    return {
        "order_id": f"c-{i:07d}",
        "order_date": "2025-08-08T10:00:00Z",
        "order_status": STATUSES[(v - 1) % len(STATUSES)],
        "order_details": "Laptop, Mouse",
        "updated_at": f"2025-08-{8 + v:02d}T10:05:00Z",
    }


# (v) the analytics views' data set: every order moves through four statuses, each version's
# updated_at hours after the previous one; orders placed over 30 days (July 2025). Most orders are
# delivered; some are cancelled and refunded, returned after delivery, or skip `processing`. One order
# in ten sends its statuses in other cases ("Shipped", "DELIVERED"): the views compare them lower-cased.
LIFECYCLES = [  # (share in 100, statuses of versions 1..4)
    (78, ["pending", "processing", "shipped", "delivered"]),
    (8, ["pending", "processing", "cancelled", "refunded"]),
    (8, ["pending", "shipped", "delivered", "returned"]),
    (6, ["pending", "processing", "shipped", "cancelled"]),
]
PATHS = [path for share, path in LIFECYCLES for _ in range(share)]
# Hours after the previous version: (minimum, spread) for versions 2, 3, 4.
GAPS = [(1, 11), (6, 60), (12, 108)]
DAY0 = 1751328000  # 2025-07-01T00:00:00Z


def mix(i, salt):
    # A cheap deterministic hash of (i, salt) in [0, 2^32): the data set is the same every run.
    x = (i * 0x9E3779B1 + salt * 0x85EBCA77) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x2C1B3C6D) & 0xFFFFFFFF
    x ^= x >> 12
    return x


def utc(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def lifecycle_order(i, v):
    placed = DAY0 + mix(i, 1) % (30 * 86400)
    at = placed + 60 + mix(i, 2) % 600
    for k in range(v - 1):
        lo, spread = GAPS[k]
        at += lo * 3600 + mix(i, 3 + k) % (spread * 3600)
    status = PATHS[mix(i, 7) % 100][v - 1]
    case = mix(i, 8) % 20
    if case == 0:
        status = status.capitalize()
    elif case == 1:
        status = status.upper()
    return {
        "order_id": f"v-{i:07d}",
        "order_date": utc(placed),
        "order_status": status,
        "order_details": ["Laptop, Mouse", "Desk", "Monitor, Cable, Stand"][mix(i, 9) % 3],
        "updated_at": utc(at),
        "total": round(10 + mix(i, 10) % 200000 / 100, 2),
    }


def load(port, n, versions, make=order):
    local = threading.local()

    def post(args):
        v, start = args
        body = json.dumps([make(i, v) for i in range(start, min(start + BATCH, n))])
        if not hasattr(local, "c"):
            local.c = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        try:
            local.c.request("POST", "/", body, {"Content-Type": "application/json"})
            r = local.c.getresponse()
            text = r.read()
        except Exception as e:  # drop the connection, report, go on
            local.c.close()
            del local.c
            return f"batch v{v}@{start}: {e!r}"
        want = min(BATCH, n - start)
        if r.status != 200 or json.loads(text).get("inserted") != want:
            return f"batch v{v}@{start}: HTTP {r.status} {text[:200]!r} (want inserted={want})"
        return None

    t0 = time.monotonic()
    errors = []
    with ThreadPoolExecutor(CONNS) as pool:
        # All orders' version 1, then version 2, ...: the order real updates come in.
        for v in range(1, versions + 1):
            errors += [e for e in pool.map(post, [(v, s) for s in range(0, n, BATCH)]) if e]
    secs = time.monotonic() - t0
    for e in errors[:5]:
        print(e, file=sys.stderr)
    rows = n * versions
    print(f"rows={rows} secs={secs:.2f} rows_per_s={rows / secs:.0f} failed_batches={len(errors)}")
    return not errors


def check(port, n, versions):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    c.request("GET", "/")
    r = c.getresponse()
    body = r.read()
    if r.status != 200:
        print(f"check=HTTP_{r.status}")
        return False
    items = json.loads(body)
    last = order(0, versions)["order_status"]
    ids = {o["order_id"] for o in items}
    wrong = sum(1 for o in items if o.get("versions") != versions or o.get("order_status") != last)
    ok = len(items) == n and len(ids) == n and wrong == 0
    print(f"check={'ok' if ok else 'WRONG'} items={len(items)} distinct={len(ids)} wrong_version_or_status={wrong}")
    return ok


if __name__ == "__main__":
    cmd, port, n, versions = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    if cmd == "lifecycle":
        if versions != len(LIFECYCLES[0][1]):
            sys.exit(f"lifecycle: VERSIONS must be {len(LIFECYCLES[0][1])}")
        sys.exit(0 if load(port, n, versions, lifecycle_order) else 1)
    sys.exit(0 if {"load": load, "check": check}[cmd](port, n, versions) else 1)
