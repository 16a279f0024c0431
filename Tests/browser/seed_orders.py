#!/usr/bin/env python3
"""POSTs a fixed, repeatable set of orders to a running ordersync, for the dashboard test.

Usage: seed_orders.py BASE_URL      (AUTH_TOKEN: the bearer token, when the server needs one)

120 orders over two weeks of August 2025, each sent as several versions moving through
pending → processing → shipped → delivered, some stopping early and some cancelled; statuses are
spelled as shops send them ('Shipped', 'shipped', 'SHIPPED'), so the case rules get exercised.
Retrying is safe: the server stores identical versions once.
"""
import json, os, random, sys, urllib.request
from datetime import datetime, timedelta, timezone

FLOW = ["pending", "processing", "shipped", "delivered"]


def orders():
    rng = random.Random(20250801)
    start = datetime(2025, 8, 1, 8, tzinfo=timezone.utc)
    for n in range(1, 121):
        placed = start + timedelta(days=rng.randint(0, 13), minutes=rng.randint(0, 14 * 60))
        reached = rng.choices([0, 1, 2, 3], weights=[1, 1, 2, 6])[0]
        cancelled = reached < 3 and rng.random() < 0.35
        spell = rng.choice([str.capitalize, str.capitalize, str.lower, str.upper])
        details = f"{rng.randint(1, 5)} items, {rng.randint(12, 480)}.{rng.randint(0, 99):02d} EUR"
        at = placed
        steps = FLOW[: reached + 1] + (["cancelled"] if cancelled else [])
        for step in steps:
            yield {"order_id": f"SO-{1000 + n}", "order_date": placed.strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "order_status": spell(step), "order_details": details,
                   "updated_at": at.strftime("%Y-%m-%dT%H:%M:%SZ")}
            at += timedelta(hours=rng.uniform(1, 40))


def main():
    if len(sys.argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    body = json.dumps(list(orders())).encode()
    request = urllib.request.Request(sys.argv[1].rstrip("/") + "/", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    if os.environ.get("AUTH_TOKEN"):
        request.add_header("Authorization", "Bearer " + os.environ["AUTH_TOKEN"])
    with urllib.request.urlopen(request, timeout=30) as response:
        print(f"seed: {response.status} {response.read().decode().strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
