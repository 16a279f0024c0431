-- source_events: every webhook delivery and change event ordersync took, as received, append-only
-- (docs/realtime.md §4). Written in the same transaction as the versions and records it produced, so
-- an event is either kept with its effect or not at all. A redelivery finds its key (or its delivery
-- key) here and stores nothing. Requests with a bad signature are counted in /metrics, never kept.
-- PostgreSQL dialect of sql/tables/source_events.sql (docs/postgresql-dialect.md): text columns
-- COLLATE "C", event_id an identity column, the payload bytea.
CREATE TABLE IF NOT EXISTS source_events (
    event_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- arrival order
    event_key    text COLLATE "C" NOT NULL UNIQUE,  -- what a redelivery repeats
    delivery_key text COLLATE "C" UNIQUE,           -- a second identity that also marks a duplicate
    source       text COLLATE "C" NOT NULL,         -- 'shopify', 'woocommerce', 'debezium'
    source_id    text COLLATE "C",                  -- the order or record it is about
    event_type   text COLLATE "C" NOT NULL,         -- the topic, or the change's operation
    payload      bytea NOT NULL,                    -- the body as received, byte for byte
    received_at  text COLLATE "C" NOT NULL,         -- when ordersync stored it, UTC with milliseconds
    event_time   text COLLATE "C",                  -- when it happened at the source, when the event says
    status       text COLLATE "C" NOT NULL,         -- 'applied', 'unchanged' or 'ignored'
    detail       text COLLATE "C",                  -- why an event was ignored
    checksum     text COLLATE "C" NOT NULL          -- SHA-256 of the payload, lower-case hex
);

CREATE INDEX IF NOT EXISTS source_events_by_source ON source_events (source, event_id);

-- Append-only, enforced by the database, with SQLite's messages (see sql/postgresql/tables/orders_raw.sql).
CREATE OR REPLACE FUNCTION source_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'source_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE OR REPLACE TRIGGER source_events_no_update BEFORE UPDATE ON source_events
    FOR EACH ROW EXECUTE FUNCTION source_events_append_only();

CREATE OR REPLACE TRIGGER source_events_no_delete BEFORE DELETE ON source_events
    FOR EACH ROW EXECUTE FUNCTION source_events_append_only();

CREATE OR REPLACE TRIGGER source_events_no_truncate BEFORE TRUNCATE ON source_events
    FOR EACH STATEMENT EXECUTE FUNCTION source_events_append_only();
