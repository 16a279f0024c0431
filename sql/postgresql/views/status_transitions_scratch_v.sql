-- status_transitions_scratch_v: the from-scratch twin of status_transitions_v: the same rows, recomputed from
-- orders_raw at every read (slow at scale). The oracle its projections are tested and verified
-- against (`ordersync verify`), and what reads use while the projections' backfill runs
-- (docs/projections.md).
--
-- status_transitions_v: one row per from-status -> to-status pair (lower-cased): how many times an
-- order moved so between two consecutive versions (in event order: updated_at, else ingested_at),
-- and the median and average hours between the two events. Versions that repeat a status are skipped.
-- from_stage / to_stage: the statuses' lifecycle stages from the status vocabulary
-- (sql/tables/status_stages.sql, docs/contract.md §2); null for a status it does not know.
-- key: from_status, to_status
--
-- PostgreSQL dialect of sql/views/status_transitions_scratch_v.sql: the same view name, columns, column order, key and
-- rows as SQLite's on the same data (Tests/pgdialect/check compares them); what differs and why is in
-- docs/postgresql-dialect.md.
CREATE OR REPLACE VIEW status_transitions_scratch_v AS
-- PostgreSQL: CAST(round(julianday(x) * 86400000) AS INTEGER) is sqlite_julianday_ms(x) and round() is
-- sqlite_round() (sql/postgresql/tables/sqlite_compat.sql): the hours are SQLite's doubles bit for bit.
-- lower() under COLLATE "C" folds ASCII only; ORDER BY ms NULLS FIRST, as SQLite sorts NULL.
WITH events AS (
    SELECT order_id, seq, lower(order_status COLLATE "C") AS status, coalesce(updated_at, ingested_at) AS at,
           -- whole milliseconds (julianday's own integer clock): exact sums
           sqlite_julianday_ms(coalesce(updated_at, ingested_at)) AS ms
    FROM orders_raw
),
steps AS (
    SELECT
        lag(status) OVER w AS from_status,
        status AS to_status,
        ms - lag(ms) OVER w AS ms
    FROM events
    WINDOW w AS (PARTITION BY order_id ORDER BY at, seq)
),
ranked AS (
    SELECT
        from_status, to_status, ms,
        row_number() OVER (PARTITION BY from_status, to_status ORDER BY ms NULLS FIRST) AS position,
        count(*) OVER (PARTITION BY from_status, to_status) AS total
    FROM steps
    WHERE from_status IS NOT NULL AND from_status <> to_status
),
pairs AS (
    SELECT
        from_status,
        to_status,
        max(total) AS transitions,
        sqlite_round(sum(CASE WHEN position IN ((total + 1) / 2, (total + 2) / 2) THEN ms END)::double precision
              / count(CASE WHEN position IN ((total + 1) / 2, (total + 2) / 2) THEN 1 END)::double precision
              / 3600000::double precision, 3) AS median_hours,
        sqlite_round(sum(ms)::double precision / count(*)::double precision / 3600000::double precision, 3) AS avg_hours
    FROM ranked
    GROUP BY from_status, to_status
)
-- The vocabulary is joined to the few pairs, not to every version.
SELECT
    p.from_status,
    p.to_status,
    p.transitions,
    p.median_hours,
    p.avg_hours,
    f.stage AS from_stage,
    t.stage AS to_stage
FROM pairs AS p
LEFT JOIN status_stages AS f ON f.status = p.from_status
LEFT JOIN status_stages AS t ON t.status = p.to_status;
