-- order_stage_timings_scratch_v: the from-scratch twin of order_stage_timings_v: the same rows, recomputed from
-- orders_raw at every read (slow at scale). The oracle its projections are tested and verified
-- against (`ordersync verify`), and what reads use while the projections' backfill runs
-- (docs/projections.md).
--
-- order_stage_timings_v: one row per lifecycle stage (processing, shipped, delivered): how many orders
-- reached it, and the average and median hours from an order's first event to reaching it.
-- Same event-time rule and status vocabulary (sql/tables/status_stages.sql) as
-- order_lifecycle_metrics_v. For the dashboard's stage chart.
-- key: position
CREATE VIEW order_stage_timings_scratch_v AS
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
    -- Durations in whole milliseconds (julianday's own integer clock), so the sum is exact and equals
    -- the projection's (sql/migrations/0001_order_projections.sql) bit for bit.
    SELECT 1 AS position, 'processing' AS stage,
           CAST(round(julianday(processing_at) * 86400000) AS INTEGER) - CAST(round(julianday(first_at) * 86400000) AS INTEGER) AS ms
    FROM per_order WHERE processing_at IS NOT NULL
    UNION ALL
    SELECT 2, 'shipped',
           CAST(round(julianday(shipped_at) * 86400000) AS INTEGER) - CAST(round(julianday(first_at) * 86400000) AS INTEGER)
    FROM per_order WHERE shipped_at IS NOT NULL
    UNION ALL
    SELECT 3, 'delivered',
           CAST(round(julianday(delivered_at) * 86400000) AS INTEGER) - CAST(round(julianday(first_at) * 86400000) AS INTEGER)
    FROM per_order WHERE delivered_at IS NOT NULL
),
ranked AS (
    SELECT position, stage, ms,
           row_number() OVER (PARTITION BY position ORDER BY ms) AS rank,
           count(*) OVER (PARTITION BY position) AS total
    FROM reached
)
SELECT
    stage,
    max(total) AS orders_reached,
    round(sum(ms) * 1.0 / count(*) / 3600000, 3) AS avg_hours,
    round(sum(CASE WHEN rank IN ((total + 1) / 2, (total + 2) / 2) THEN ms END) * 1.0
          / count(CASE WHEN rank IN ((total + 1) / 2, (total + 2) / 2) THEN 1 END) / 3600000, 3) AS median_hours,
    position
FROM ranked
GROUP BY position, stage;
