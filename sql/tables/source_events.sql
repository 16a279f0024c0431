-- source_events: every webhook delivery and change event ordersync took, as received, append-only
-- (docs/realtime.md §4). Written in the same transaction as the versions and records it produced, so
-- an event is either kept with its effect or not at all. A redelivery finds its key (or its delivery
-- key) here and stores nothing. Requests with a bad signature are counted in /metrics, never kept.
CREATE TABLE IF NOT EXISTS source_events (
    event_id     INTEGER PRIMARY KEY,   -- arrival order
    event_key    TEXT NOT NULL UNIQUE,  -- what a redelivery repeats: Shopify's event id, WooCommerce's
                                        -- resource and modification time, Debezium's table, key and log position
    delivery_key TEXT UNIQUE,           -- a second identity that also marks a duplicate (Shopify's webhook id)
    source       TEXT NOT NULL,         -- 'shopify', 'woocommerce', 'debezium'
    source_id    TEXT,                  -- the order or record it is about
    event_type   TEXT NOT NULL,         -- the topic, or the change's operation (c, u, d, r, t)
    payload      BLOB NOT NULL,         -- the body as received, byte for byte
    received_at  TEXT NOT NULL,         -- when ordersync stored it, UTC with milliseconds
    event_time   TEXT,                  -- when it happened at the source, when the event says
    status       TEXT NOT NULL,         -- 'applied', 'unchanged' (already stored) or 'ignored'
    detail       TEXT,                  -- why an event was ignored
    checksum     TEXT NOT NULL          -- SHA-256 of the payload, lower-case hex
);

CREATE INDEX IF NOT EXISTS source_events_by_source ON source_events (source, event_id);

CREATE TRIGGER IF NOT EXISTS source_events_no_update BEFORE UPDATE ON source_events
BEGIN
    SELECT RAISE(ABORT, 'source_events is append-only: UPDATE is not allowed');
END;

CREATE TRIGGER IF NOT EXISTS source_events_no_delete BEFORE DELETE ON source_events
BEGIN
    SELECT RAISE(ABORT, 'source_events is append-only: DELETE is not allowed');
END;
