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
--
-- PostgreSQL dialect of sql/views/order_stage_timings_scratch_v.sql: the same view name, columns, column order, key and
-- rows as SQLite's on the same data (Tests/pgdialect/check compares them); what differs and why is in
-- docs/postgresql-dialect.md.
CREATE OR REPLACE VIEW order_stage_timings_scratch_v AS
-- PostgreSQL: CAST(round(julianday(x) * 86400000) AS INTEGER) is sqlite_julianday_ms(x), SQLite's own
-- integer milliseconds; the averages divide in double precision as SQLite does (sum * 1.0 / count /
-- 3600000) and round with sqlite_round() (sql/postgresql/tables/sqlite_compat.sql), so they are
-- SQLite's doubles bit for bit. ORDER BY ms NULLS FIRST: SQLite sorts NULL first.
WITH events AS (
    SELECT o.order_id, s.stage, coalesce(o.updated_at, o.ingested_at) AS at
    FROM orders_raw AS o
    LEFT JOIN status_stages AS s ON s.status = lower(o.order_status COLLATE "C")
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
    -- Durations in whole milliseconds (julianday's own integer clock), so the sum is exact.
    SELECT 1::bigint AS position, 'processing'::text COLLATE "C" AS stage,
           sqlite_julianday_ms(processing_at) - sqlite_julianday_ms(first_at) AS ms
    FROM per_order WHERE processing_at IS NOT NULL
    UNION ALL
    SELECT 2, 'shipped',
           sqlite_julianday_ms(shipped_at) - sqlite_julianday_ms(first_at)
    FROM per_order WHERE shipped_at IS NOT NULL
    UNION ALL
    SELECT 3, 'delivered',
           sqlite_julianday_ms(delivered_at) - sqlite_julianday_ms(first_at)
    FROM per_order WHERE delivered_at IS NOT NULL
),
ranked AS (
    SELECT position, stage, ms,
           row_number() OVER (PARTITION BY position ORDER BY ms NULLS FIRST) AS rank,
           count(*) OVER (PARTITION BY position) AS total
    FROM reached
)
SELECT
    stage,
    max(total) AS orders_reached,
    sqlite_round(sum(ms)::double precision / count(*)::double precision / 3600000::double precision, 3) AS avg_hours,
    sqlite_round(sum(CASE WHEN rank IN ((total + 1) / 2, (total + 2) / 2) THEN ms END)::double precision
          / count(CASE WHEN rank IN ((total + 1) / 2, (total + 2) / 2) THEN 1 END)::double precision
          / 3600000::double precision, 3) AS median_hours,
    position
FROM ranked
GROUP BY position, stage;
