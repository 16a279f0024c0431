-- order_stage_timings_v: one row per lifecycle stage (processing, shipped, delivered): how many orders
-- reached it, and the average and median hours from an order's first event to reaching it.
-- Same event-time rule and status vocabulary (sql/tables/status_stages.sql) as
-- order_lifecycle_metrics_v. For the dashboard's stage chart.
-- Read from the projections projection_count (kinds 2 and 5) and stage_time (docs/projections.md): the
-- average is the kept sum over the count; the median's one or two middle entries are 0 when they
-- fall among the stages reached at the first event (counted, not stored), else found by counting
-- whole-hour buckets, then numbering one bucket's entries in index order: a read never touches every
-- order. order_stage_timings_scratch_v computes the same from orders_raw.
-- key: position
--
-- PostgreSQL dialect of sql/views/order_stage_timings_v.sql: the same view name, columns, column order, key and rows
-- (tested against its twin on random histories: Tests/OrderStoreTests/PostgresProjectionTests.swift).
-- The projections are kept by sql/postgresql/functions/ordersync_project.sql; round() and julianday()
-- are sqlite_round() and sqlite_julianday() (sql/postgresql/tables/sqlite_compat.sql), so every double
-- is SQLite's bit for bit, as in the twin.
CREATE OR REPLACE VIEW order_stage_timings_v AS
WITH totals AS (
    SELECT i AS position, count AS orders, zeros, sum_ms, (count + 1) / 2 AS k1, (count + 2) / 2 AS k2
    FROM projection_count
    WHERE kind = 2
),
buckets AS (
    SELECT i AS position, j AS bucket, count AS orders,
           sum(count) OVER (PARTITION BY i ORDER BY j) - count AS before
    FROM projection_count
    WHERE kind = 5
),
middle AS (
    SELECT
        t.position, t.orders, t.sum_ms,
        CASE WHEN t.k1 <= t.zeros THEN 0 ELSE (SELECT r.ms FROM (
            SELECT m.ms, row_number() OVER (ORDER BY m.ms) AS n FROM stage_time AS m
            WHERE m.position = t.position
              AND m.ms >= b1.bucket * 3600000 AND m.ms < (b1.bucket + 1) * 3600000
          ) AS r WHERE r.n = t.k1 - t.zeros - b1.before) END AS m1,
        CASE WHEN t.k2 <= t.zeros THEN 0 ELSE (SELECT r.ms FROM (
            SELECT m.ms, row_number() OVER (ORDER BY m.ms) AS n FROM stage_time AS m
            WHERE m.position = t.position
              AND m.ms >= b2.bucket * 3600000 AND m.ms < (b2.bucket + 1) * 3600000
          ) AS r WHERE r.n = t.k2 - t.zeros - b2.before) END AS m2
    FROM totals AS t
    LEFT JOIN buckets AS b1 ON b1.position = t.position
        AND t.k1 - t.zeros > b1.before AND t.k1 - t.zeros <= b1.before + b1.orders
    LEFT JOIN buckets AS b2 ON b2.position = t.position
        AND t.k2 - t.zeros > b2.before AND t.k2 - t.zeros <= b2.before + b2.orders
)
SELECT
    (CASE position WHEN 2 THEN 'processing' WHEN 3 THEN 'shipped' ELSE 'delivered' END)::text COLLATE "C" AS stage,
    orders AS orders_reached,
    sqlite_round(sum_ms::double precision / orders::double precision / 3600000::double precision, 3) AS avg_hours,
    sqlite_round((m1 + m2)::double precision / 2::double precision / 3600000::double precision, 3) AS median_hours,
    position - 1 AS position
FROM middle;
