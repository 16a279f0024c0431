-- recent_orders_v: one row per order, its latest version, the most recently changed order first:
-- by the event time of that version (updated_at, else ingested_at; docs/contract.md §2), ties by
-- seq, the later arrival first. `status` is order_status lower-cased, for case-insensitive filters.
-- No key: it pages by position, newest first. The dashboard's "latest orders" table reads it.
-- The ORDER BY is exactly the index orders_raw_by_event_time (sql/tables/orders_raw.sql), so a
-- page of the newest orders reads that many rows, not the whole table.
CREATE VIEW recent_orders_v AS
SELECT
    order_id,
    order_status,
    lower(order_status) AS status,
    order_date,
    order_details,
    updated_at,
    ingested_at,
    versions,
    source,
    seq
FROM latest_order_v
ORDER BY coalesce(updated_at, ingested_at) DESC, seq DESC;
