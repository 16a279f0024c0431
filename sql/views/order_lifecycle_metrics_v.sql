-- order_lifecycle_metrics_v: one row per order, how it moved through its statuses.
-- Event time of a version = updated_at when present, else ingested_at. Statuses are compared
-- case-insensitively. processing_at / shipped_at / delivered_at = when that status was first reached;
-- hours_to_* = hours from the first event to it (null when never reached); ended_* = 1 when the current
-- status is cancelled / refunded / returned; hours_open = hours from the first to the last event.
-- key: order_id
CREATE VIEW order_lifecycle_metrics_v AS
WITH events AS (
    SELECT order_id, seq, order_status, lower(order_status) AS status,
           coalesce(updated_at, ingested_at) AS at
    FROM orders_raw
),
per_order AS (
    SELECT
        order_id,
        min(at) AS first_seen_at,
        max(at) AS last_seen_at,
        count(*) AS versions,
        min(CASE WHEN status = 'processing' THEN at END) AS processing_at,
        min(CASE WHEN status = 'shipped' THEN at END) AS shipped_at,
        min(CASE WHEN status = 'delivered' THEN at END) AS delivered_at
    FROM events
    GROUP BY order_id
)
SELECT
    p.order_id,
    p.first_seen_at,
    p.last_seen_at,
    p.versions,
    (SELECT e.order_status FROM events AS e WHERE e.order_id = p.order_id ORDER BY e.at, e.seq LIMIT 1) AS first_status,
    l.order_status AS current_status,
    p.processing_at,
    p.shipped_at,
    p.delivered_at,
    round((julianday(p.processing_at) - julianday(p.first_seen_at)) * 24, 3) AS hours_to_processing,
    round((julianday(p.shipped_at) - julianday(p.first_seen_at)) * 24, 3) AS hours_to_shipped,
    round((julianday(p.delivered_at) - julianday(p.first_seen_at)) * 24, 3) AS hours_to_delivered,
    lower(l.order_status) = 'cancelled' AS ended_cancelled,
    lower(l.order_status) = 'refunded' AS ended_refunded,
    lower(l.order_status) = 'returned' AS ended_returned,
    round((julianday(p.last_seen_at) - julianday(p.first_seen_at)) * 24, 3) AS hours_open
FROM per_order AS p
JOIN latest_order_v AS l ON l.order_id = p.order_id;
