"""The Python peer: the seed's ingest function (a Python 3.11 Cloud Function on Functions Framework,
/work/shared/background/order-ingest-function.md) with PostgreSQL in place of BigQuery, for bench/run's
PostgreSQL section. POST / takes a JSON array of orders (or one order), checks each, and inserts every
order version into orders_raw in one transaction per request; 200 once committed. Like the seed it keeps
every version it is sent (no dedup: the views pick the latest).

Run as Cloud Run runs a function (the framework's gunicorn server; WORKERS and THREADS as the framework
reads them):
    DATABASE_URL=postgresql://… WORKERS=2 THREADS=8 functions-framework --target ingest --source main.py
"""
import datetime
import json
import os
import threading

import functions_framework
import psycopg

DATABASE_URL = os.environ["DATABASE_URL"]
REQUIRED = ("order_id", "order_date", "order_status")
INSERT = (
    "INSERT INTO orders_raw (order_id, order_date, order_status, order_details, updated_at, ingested_at, source, payload) "
    "VALUES (%s, %s, %s, %s, %s, %s, 'api', %s)"
)

# One connection per thread (gunicorn's gthread worker runs THREADS requests at once), opened on first
# use, after the worker has forked.
_local = threading.local()


def _connection():
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = psycopg.connect(DATABASE_URL, autocommit=True, application_name="ordersync-bench-peer")
        _local.conn = conn
    return conn


def _text(value):
    """A string as sent; numbers as their decimal text (order ids may be integers)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _row(order, ingested_at):
    if not isinstance(order, dict):
        raise ValueError("each order must be a JSON object")
    values = {}
    for field in REQUIRED:
        value = _text(order.get(field))
        if not value:
            raise ValueError(f"{field} is required (a non-empty string)")
        values[field] = value
    details = order.get("order_details")
    if details is not None and not isinstance(details, str):
        details = json.dumps(details, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    updated_at = order.get("updated_at")
    if updated_at is not None and not isinstance(updated_at, str):
        raise ValueError("updated_at must be a string")
    payload = json.dumps(order, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return (values["order_id"], values["order_date"], values["order_status"], details, updated_at, ingested_at, payload)


@functions_framework.http
def ingest(request):
    if request.method != "POST":
        return ({"error": "only POST / is served"}, 405)
    body = request.get_json(silent=True)
    if body is None:
        return ({"error": "the body must be JSON"}, 400)
    orders = body if isinstance(body, list) else [body]
    if not orders:
        return ({"error": "no orders"}, 400)
    now = datetime.datetime.now(datetime.timezone.utc)
    ingested_at = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    try:
        rows = [_row(order, ingested_at) for order in orders]
    except ValueError as error:
        return ({"error": str(error)}, 400)
    conn = _connection()
    try:
        with conn.transaction(), conn.cursor() as cur:
            cur.executemany(INSERT, rows)
    except psycopg.OperationalError:
        conn.close()  # reconnect at the next request
        return ({"error": "database unavailable"}, 503)
    return ({"inserted": len(rows), "unchanged": 0}, 200)
