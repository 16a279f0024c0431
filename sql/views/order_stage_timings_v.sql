-- order_stage_timings_v: one row per lifecycle stage (processing, shipped, delivered): how many orders
-- reached it, and the average and median hours from an order's first event to reaching it.
-- Same event-time rule and status vocabulary (sql/tables/status_stages.sql) as
-- order_lifecycle_metrics_v. For the dashboard's stage chart.
-- key: position
CREATE VIEW order_stage_timings_v AS
WITH events AS (
    SELECT o.order_id, s.stage, coalesce(o.updated_at, o.ingested_at) AS at
    FROM orders_raw AS o
    LEFT JOIN status_stages AS s ON s.status = lower(o.order_status)
),
per_order AS (
    SELECT
        min(at) AS first_at,
        min(CASE WHEN stage = 'processing' THEN at END) AS processing_at,
        min(CASE WHEN stage = 'shipped' THEN at END) AS shipped_at,
        min(CASE WHEN stage = 'delivered' THEN at END) AS delivered_at
    FROM events
    GROUP BY order_id
),
reached AS (
    SELECT 1 AS position, 'processing' AS stage, (julianday(processing_at) - julianday(first_at)) * 24 AS hours
    FROM per_order WHERE processing_at IS NOT NULL
    UNION ALL
    SELECT 2, 'shipped', (julianday(shipped_at) - julianday(first_at)) * 24 FROM per_order WHERE shipped_at IS NOT NULL
    UNION ALL
    SELECT 3, 'delivered', (julianday(delivered_at) - julianday(first_at)) * 24 FROM per_order WHERE delivered_at IS NOT NULL
),
ranked AS (
    SELECT position, stage, hours,
           row_number() OVER (PARTITION BY position ORDER BY hours) AS rank,
           count(*) OVER (PARTITION BY position) AS total
    FROM reached
)
SELECT
    stage,
    max(total) AS orders_reached,
    round(avg(hours), 3) AS avg_hours,
    round(avg(CASE WHEN rank IN ((total + 1) / 2, (total + 2) / 2) THEN hours END), 3) AS median_hours,
    position
FROM ranked
GROUP BY position, stage;
