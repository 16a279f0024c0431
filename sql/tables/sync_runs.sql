-- sync_runs: one row per sync run (GET/POST /sync, `ordersync sync`). A run is inserted as
-- 'running' and finished as 'succeeded' or 'failed' with its JSON summary; a run whose process
-- died is marked 'interrupted' by the next run (which holds the sync lock, so none other is alive).
CREATE TABLE IF NOT EXISTS sync_runs (
    run_id        INTEGER PRIMARY KEY,
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    status        TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
    trigger       TEXT NOT NULL,       -- 'http', 'scheduler', 'cli'
    schedule_time TEXT,                -- X-CloudScheduler-ScheduleTime, when the scheduler sent one
    summary       TEXT                 -- the JSON summary the trigger answered with
);

CREATE INDEX IF NOT EXISTS sync_runs_by_schedule ON sync_runs (schedule_time) WHERE schedule_time IS NOT NULL;
