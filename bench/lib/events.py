#!/usr/bin/env python3
"""events.py SUMMARY DB: compares what `ordersync-fake-providers send` expected (its JSON summary line)
with what the server's SQLite database holds; prints key=value words for bench/run's (w) section.

events_expected / events_stored   distinct events vs rows of source_events (each stored once)
versions_expected / versions_stored   versions the run must add (tombstones included) vs rows of orders_raw
orders_expected / orders_stored   distinct orders vs rows of latest_order_v
latest_wrong                      orders whose latest status differs from the expected one (missing included)
deleted_expected / deleted_stored orders whose latest version is a `deleted` tombstone
and the sender's own figures: sent, failed, duplicates (intended), missed (duplicates not recognised),
p50_ms, p99_ms, secs, eps (requests/s), stream_eps (distinct events per second of the phases before the replay)."""
import json
import sqlite3
import sys

summary = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
db = sqlite3.connect(f"file:{sys.argv[2]}?mode=ro", uri=True)
q = lambda sql: db.execute(sql).fetchall()

expected = summary["expected_latest"]
stored = dict(q("SELECT order_id, order_status FROM latest_order_v"))
wrong = sum(1 for k, v in expected.items() if stored.get(k) != v) + sum(1 for k in stored if k not in expected)
# The distinct events' phases (snapshot and stream, or webhooks and deletions): all but the replay.
main_secs = sum(v for k, v in summary["phase_seconds"].items() if not k.endswith("replay"))
out = {
    "events_expected": 0 if "api" in summary["distinct_events_by_source"] else summary["distinct_events"],
    "events_stored": q("SELECT count(*) FROM source_events")[0][0],
    "versions_expected": summary["expected_versions"],
    "versions_stored": q("SELECT count(*) FROM orders_raw")[0][0],
    "orders_expected": len(expected),
    "orders_stored": len(stored),
    "latest_wrong": wrong,
    "deleted_expected": sum(1 for v in expected.values() if v == "deleted"),
    "deleted_stored": sum(1 for v in stored.values() if v == "deleted"),
    "sent": summary["sent"],
    "failed": summary["failed"],
    "duplicates": summary["intended_duplicates"],
    "missed": summary["missed_duplicates"],
    "p50_ms": summary["latency_ms"]["p50"],
    "p99_ms": summary["latency_ms"]["p99"],
    "secs": summary["seconds"],
    "eps": summary["events_per_second"],
    "stream_eps": round(summary["distinct_events"] / main_secs, 1) if main_secs else 0,
}
print(" ".join(f"{k}={v}" for k, v in out.items()))
