-- sync_runs_v: the sync runs, newest first, with the totals of their summaries (for dashboards).
-- duration_seconds is NULL while a run is running or when its process died (status 'interrupted').
-- No key: it pages by position, newest first.
CREATE VIEW sync_runs_v AS
SELECT
    run_id,
    status,
    trigger,
    started_at,
    finished_at,
    round((julianday(finished_at) - julianday(started_at)) * 86400.0, 3) AS duration_seconds,
    json_extract(summary, '$.totals.fetched') AS fetched,
    json_extract(summary, '$.totals.inserted') AS inserted,
    json_extract(summary, '$.totals.unchanged') AS unchanged,
    json_extract(summary, '$.totals.retries') AS retries,
    json_extract(summary, '$.merged_orders') AS merged_orders,
    json_extract(summary, '$.unmatched_orders') AS unmatched_orders,
    json_array_length(summary, '$.errors') AS errors,
    schedule_time
FROM sync_runs
ORDER BY run_id DESC;
