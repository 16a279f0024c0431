-- sync_runs_v: the sync runs, newest first, with the totals of their summaries (for dashboards).
-- duration_seconds is NULL while a run is running or when its process died (status 'interrupted').
-- No key: it pages by position, newest first.
--
-- PostgreSQL dialect of sql/views/sync_runs_v.sql: the same view name, columns, column order, key and
-- rows as SQLite's on the same data (Tests/pgdialect/check compares them); what differs and why is in
-- docs/postgresql-dialect.md.
CREATE OR REPLACE VIEW sync_runs_v AS
-- PostgreSQL: julianday() and round() are sqlite_julianday() and sqlite_round()
-- (sql/postgresql/tables/sqlite_compat.sql), so duration_seconds is SQLite's double bit for bit; the
-- summary is parsed once (json, which keeps its text as written); its counts are integers
-- (sqlite_json_integer: NULL when missing or not an integer); errors is the length of the errors array,
-- 0 when it is not an array and NULL when there is none, as SQLite's json_array_length gives.
SELECT
    r.run_id,
    r.status,
    r.trigger,
    r.started_at,
    r.finished_at,
    sqlite_round((sqlite_julianday(r.finished_at) - sqlite_julianday(r.started_at)) * 86400.0::double precision, 3)
        AS duration_seconds,
    sqlite_json_integer(j.summary -> 'totals' -> 'fetched') AS fetched,
    sqlite_json_integer(j.summary -> 'totals' -> 'inserted') AS inserted,
    sqlite_json_integer(j.summary -> 'totals' -> 'unchanged') AS unchanged,
    sqlite_json_integer(j.summary -> 'totals' -> 'retries') AS retries,
    sqlite_json_integer(j.summary -> 'merged_orders') AS merged_orders,
    sqlite_json_integer(j.summary -> 'unmatched_orders') AS unmatched_orders,
    CASE WHEN j.summary -> 'errors' IS NULL THEN NULL
         WHEN json_typeof(j.summary -> 'errors') = 'array' THEN json_array_length(j.summary -> 'errors')::bigint
         ELSE 0::bigint END AS errors,
    r.schedule_time
FROM sync_runs AS r
CROSS JOIN LATERAL (SELECT r.summary::json AS summary) AS j
ORDER BY r.run_id DESC;
