-- entity_sync_state: per order (or customer record) and source, the last webhook or change event seen
-- (docs/realtime.md §4): the order's newest stored version from that source (`version`, its seq in
-- orders_raw; NULL for a record), the event's time at the source, the SHA-256 of its body and what
-- became of it. One row per entity and source, replaced by each new event: the history is in
-- source_events and orders_raw. (sync_state holds the connectors' positions, one row per connector.)
CREATE TABLE IF NOT EXISTS entity_sync_state (
    entity          TEXT NOT NULL,  -- the order id or record id
    source          TEXT NOT NULL,  -- 'shopify', 'woocommerce', 'debezium'
    version         INTEGER,        -- orders_raw.seq of the newest version from this source
    last_event_time TEXT,           -- the event's time at the source
    content_hash    TEXT NOT NULL,  -- SHA-256 of the event's body
    status          TEXT NOT NULL,  -- 'applied', 'unchanged' or 'ignored' (source_events.status)
    updated_at      TEXT NOT NULL,  -- when this row was written
    PRIMARY KEY (entity, source)
);
