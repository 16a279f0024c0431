-- recent_orders_v: one row per order, its latest version, the most recently changed order first
-- (by the seq of that version); `status` is order_status lower-cased, for case-insensitive filters.
-- No key: it pages by position, newest first. The dashboard's "latest orders" table reads it.
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
ORDER BY seq DESC;
