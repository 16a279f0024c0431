#!/usr/bin/env python3
"""Stores a fixed, repeatable set of orders in a running ordersync, for the dashboard test.

Usage: seed_orders.py BASE_URL [DB_PATH]      (AUTH_TOKEN: the bearer token, when the server needs one)

API orders, POSTed to BASE_URL: 120 orders over two weeks of August 2025, each sent as several
versions moving through pending → processing → shipped → delivered, some stopping early, some
cancelled, put on hold, returned or refunded; statuses are spelled as shops send them ('Shipped',
'shipped', 'SHIPPED'), so the case rules get exercised. Two outliers: an order sent without
updated_at (its event time is its arrival, today) and one whose only version dates from 2023.

Shopify orders, with DB_PATH: 60 orders as the Shopify connector stores them (source 'shopify'; the
status derived as Sources/SyncCore/RecordMapping.swift derives it; order_details the line items'
JSON), written straight into the server's database (WAL: the server keeps running). Together with the
API orders they make 17 statuses, for the colour and stage checks.
Change events, POSTed to BASE_URL/cdc/debezium: three orders (cdc-1 … cdc-3) that an ERP changes
beside POST /: the ERP's version at an event time POST / already stored (the ERP wins by
SOURCE_PRIORITY), then a later one, then a late POST / version: both kinds of conflict, for the
dashboard's events and conflicts panels.
Retrying the POST is safe (the server stores identical versions once); the database part is not.
"""
import json, os, random, sqlite3, sys, urllib.request
from datetime import datetime, timedelta, timezone

FLOW = ["pending", "processing", "shipped", "delivered"]
START = datetime(2025, 8, 1, 8, tzinfo=timezone.utc)
PRODUCTS = ["Mug", "T-Shirt", "Notebook", "Backpack", "Water Bottle", 'Poster "Limited"', "Café Blend 1kg"]


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def orders():
    rng = random.Random(20250801)
    for n in range(1, 121):
        placed = START + timedelta(days=rng.randint(0, 13), minutes=rng.randint(0, 14 * 60))
        reached = rng.choices([0, 1, 2, 3], weights=[1, 1, 2, 6])[0]
        ending = rng.choices([None, "cancelled", "on-hold"], weights=[6, 3, 1])[0] if reached < 3 else \
            rng.choices([None, "returned", "refunded"], weights=[8, 1, 1])[0]
        spell = rng.choice([str.capitalize, str.capitalize, str.lower, str.upper])
        details = f"{rng.randint(1, 5)} items, {rng.randint(12, 480)}.{rng.randint(0, 99):02d} EUR"
        at = placed
        for step in FLOW[: reached + 1] + ([ending] if ending else []):
            yield {"order_id": f"SO-{1000 + n}", "order_date": stamp(placed), "order_status": spell(step),
                   "order_details": details, "updated_at": stamp(at)}
            at += timedelta(hours=rng.uniform(1, 40))
    # Outliers the daily chart must not stretch over: no updated_at (counts today), and 2023.
    yield {"order_id": "SO-NO-UPDATED-AT", "order_date": "2025-08-05", "order_status": "pending",
           "order_details": "sent without updated_at"}
    yield {"order_id": "SO-2023", "order_date": "2023-03-15", "order_status": "awaiting_pickup",
           "order_details": "an old order", "updated_at": "2023-03-15T10:00:00Z"}
    # Details as clients send them besides text: JSON objects and arrays (stored as JSON text), and a
    # string that only looks like JSON; the page must show each as text.
    for n, details in enumerate([{"gift": True, "note": "leave at the door", "items": 2},
                                 [{"sku": "X-1"}, {"name": "Cable", "qty": 2}, 7, None],
                                 "[not JSON, just brackets]", [{"title": {"de": "Tasse"}, "quantity": 1}]]):
        yield {"order_id": f"SO-JSON-{n}", "order_date": "2025-08-12", "order_status": "processing",
               "order_details": details, "updated_at": f"2025-08-19T1{n}:00:00Z"}


# (financial_status, fulfillment_status, cancelled) of each version, in order.
SHOPIFY_PATHS = [
    [("pending", None, False), ("paid", None, False), ("paid", "partial", False), ("paid", "fulfilled", False)],
    [("authorized", None, False), ("paid", None, False), ("paid", "fulfilled", False)],
    [("authorized", None, False), ("voided", None, False)],
    [("paid", None, False), ("paid", "fulfilled", False), ("partially_refunded", "fulfilled", False)],
    [("paid", None, False), ("refunded", None, False)],
    [("partially_paid", None, False)],
    [("pending", None, False), ("pending", None, True)],
    [(None, None, False)],
]


def shopify_status(financial, fulfillment, cancelled):
    """RecordMapping.shopifyStatus (Sources/SyncCore/RecordMapping.swift), for the seed's orders."""
    if cancelled:
        return "cancelled"
    if financial in ("refunded", "partially_refunded", "voided"):
        return financial
    if fulfillment == "fulfilled":
        return "fulfilled"
    if fulfillment == "partial":
        return "partially_fulfilled"
    return financial or "open"


def shopify_versions():
    rng = random.Random(20250802)
    for n in range(60):
        order_id = str(5_900_000_000_000 + n)
        created = START + timedelta(days=rng.randint(4, 14), minutes=rng.randint(0, 14 * 60))
        items = [{"title": rng.choice(PRODUCTS), "quantity": rng.randint(1, 3), "price": f"{rng.randint(4, 60)}.00",
                  "sku": f"SKU-{rng.randint(1, 99):02d}"} for _ in range(rng.randint(1, 3))]
        at = created
        for financial, fulfillment, cancelled in SHOPIFY_PATHS[n % len(SHOPIFY_PATHS)]:
            payload = {"id": int(order_id), "name": f"#{1001 + n}", "created_at": stamp(created), "updated_at": stamp(at),
                       "financial_status": financial, "fulfillment_status": fulfillment,
                       "cancelled_at": stamp(at) if cancelled else None, "currency": "EUR",
                       "email": f"buyer{n}@example.org", "line_items": items}
            yield order_id, created, at, shopify_status(financial, fulfillment, cancelled), items, payload
            at += timedelta(hours=rng.uniform(2, 30))


def store_shopify(db_path):
    now = datetime.now(timezone.utc)
    ingested = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    db = sqlite3.connect(db_path, timeout=10)
    count = 0
    with db:
        for order_id, created, at, status, items, payload in shopify_versions():
            text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
            updated = at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
            db.execute("INSERT INTO source_records (source, source_id, updated_at, payload, fetched_at) "
                       "VALUES ('shopify', ?, ?, ?, ?)", (order_id, updated, text, ingested))
            db.execute("INSERT INTO orders_raw (order_id, order_date, order_status, order_details, updated_at, "
                       "ingested_at, source, payload) VALUES (?, ?, ?, ?, ?, ?, 'shopify', ?)",
                       (order_id, stamp(created), status, json.dumps(items, separators=(",", ":"), ensure_ascii=False),
                        updated, ingested, text))
            count += 1
        # Written past the projections (docs/projections.md): the next start rebuilds them.
        db.execute("DELETE FROM projection_progress")
    db.close()
    print(f"seed: {count} Shopify order versions stored in {db_path}")


def post(url, payload):
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    if os.environ.get("AUTH_TOKEN"):
        request.add_header("Authorization", "Bearer " + os.environ["AUTH_TOKEN"])
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode().strip()


def change_events(base):
    """(path, payload) in sending order: POST / versions and Debezium change events of cdc-1 … cdc-3."""
    lsn = 1000
    for n in range(1, 4):
        order_id, at = f"cdc-{n}", START + timedelta(days=n, hours=2)
        api = {"order_id": order_id, "order_date": stamp(START + timedelta(days=n)), "order_details": "ERP order"}
        yield "/", [dict(api, order_status="processing", updated_at=stamp(at))]
        for status, when in [("shipped", at), ("delivered", at + timedelta(hours=2))]:
            lsn += 8
            row = dict(api, order_status=status, updated_at=stamp(when))
            yield "/cdc/debezium", {"before": None, "after": row, "op": "u", "ts_ms": int(when.timestamp() * 1000) + 40,
                                    "source": {"connector": "postgresql", "db": "erp", "schema": "public",
                                               "table": "orders", "lsn": lsn, "txId": lsn // 8,
                                               "ts_ms": int(when.timestamp() * 1000)}}
        yield "/", [dict(api, order_status="shipped", updated_at=stamp(at + timedelta(hours=1)))]


def customers(base):
    """Three customers through POST /customers: with a CRM configured that cannot be reached
    (run-with-server), their deliveries wait in the outbox the dashboard shows."""
    for n in range(1, 4):
        post(base.rstrip("/") + "/customers", {"id": f"cust-{n}", "email": f"cust{n}@example.org", "first_name": f"C{n}"})


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    body = json.dumps(list(orders())).encode()
    request = urllib.request.Request(sys.argv[1].rstrip("/") + "/", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    if os.environ.get("AUTH_TOKEN"):
        request.add_header("Authorization", "Bearer " + os.environ["AUTH_TOKEN"])
    with urllib.request.urlopen(request, timeout=30) as response:
        print(f"seed: {response.status} {response.read().decode().strip()}")
    for path, payload in change_events(sys.argv[1]):
        post(sys.argv[1].rstrip("/") + path, payload)
    print("seed: 3 ERP orders with their change events and conflicting POST / versions")
    customers(sys.argv[1])
    print("seed: 3 customers queued for the CRM")
    if len(sys.argv) == 3:
        store_shopify(sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
