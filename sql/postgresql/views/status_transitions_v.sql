-- status_transitions_v: one row per from-status -> to-status pair (lower-cased): how many times an
-- order moved so between two consecutive versions (in event order: updated_at, else ingested_at),
-- and the median and average hours between the two events. Versions that repeat a status are skipped.
-- from_stage / to_stage: the statuses' lifecycle stages from the status vocabulary
-- (sql/tables/status_stages.sql, docs/contract.md §2); null for a status it does not know.
-- Read from the projections projection_count (kinds 3 and 6) and transition_time
-- (docs/projections.md), the median found as in order_stage_timings_v; status_transitions_scratch_v
-- computes the same from orders_raw.
-- key: from_status, to_status
--
-- PostgreSQL dialect of sql/views/status_transitions_v.sql: the same view name, columns, column order, key and rows
-- (tested against its twin on random histories: Tests/OrderStoreTests/PostgresProjectionTests.swift).
-- The projections are kept by sql/postgresql/functions/ordersync_project.sql; round() and julianday()
-- are sqlite_round() and sqlite_julianday() (sql/postgresql/tables/sqlite_compat.sql), so every double
-- is SQLite's bit for bit, as in the twin.
CREATE OR REPLACE VIEW status_transitions_v AS
WITH totals AS (
    SELECT a AS from_status, b AS to_status, count AS moves, sum_ms, (count + 1) / 2 AS k1, (count + 2) / 2 AS k2
    FROM projection_count
    WHERE kind = 3
),
buckets AS (
    SELECT a AS from_status, b AS to_status, j AS bucket, count AS moves,
           sum(count) OVER (PARTITION BY a, b ORDER BY j) - count AS before
    FROM projection_count
    WHERE kind = 6
),
middle AS (
    SELECT
        t.from_status, t.to_status, t.moves, t.sum_ms,
        (SELECT r.ms FROM (
            SELECT m.ms, row_number() OVER (ORDER BY m.ms) AS n FROM transition_time AS m
            WHERE m.from_status = t.from_status AND m.to_status = t.to_status
              AND m.ms >= b1.bucket * 3600000 AND m.ms < (b1.bucket + 1) * 3600000
          ) AS r WHERE r.n = t.k1 - b1.before) AS m1,
        (SELECT r.ms FROM (
            SELECT m.ms, row_number() OVER (ORDER BY m.ms) AS n FROM transition_time AS m
            WHERE m.from_status = t.from_status AND m.to_status = t.to_status
              AND m.ms >= b2.bucket * 3600000 AND m.ms < (b2.bucket + 1) * 3600000
          ) AS r WHERE r.n = t.k2 - b2.before) AS m2
    FROM totals AS t
    JOIN buckets AS b1 ON b1.from_status = t.from_status AND b1.to_status = t.to_status
        AND t.k1 > b1.before AND t.k1 <= b1.before + b1.moves
    JOIN buckets AS b2 ON b2.from_status = t.from_status AND b2.to_status = t.to_status
        AND t.k2 > b2.before AND t.k2 <= b2.before + b2.moves
)
SELECT
    p.from_status,
    p.to_status,
    p.moves AS transitions,
    sqlite_round((p.m1 + p.m2)::double precision / 2::double precision / 3600000::double precision, 3) AS median_hours,
    sqlite_round(p.sum_ms::double precision / p.moves::double precision / 3600000::double precision, 3) AS avg_hours,
    f.stage AS from_stage,
    t.stage AS to_stage
FROM middle AS p
LEFT JOIN status_stages AS f ON f.status = p.from_status
LEFT JOIN status_stages AS t ON t.status = p.to_status;
