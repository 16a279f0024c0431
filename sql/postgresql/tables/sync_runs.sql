-- sync_runs: one row per sync run (GET/POST /sync, `ordersync sync`). A run is inserted as
-- 'running' and finished as 'succeeded' or 'failed' with its JSON summary; a run whose process
-- died is marked 'interrupted' by the next run (which holds the sync lock, so none other is alive).
-- PostgreSQL dialect of sql/tables/sync_runs.sql (docs/postgresql-dialect.md): run_id is an identity
-- column (SQLite's INTEGER PRIMARY KEY numbers the runs as they are inserted; ordersync never gives
-- one), text columns COLLATE "C".
CREATE TABLE IF NOT EXISTS sync_runs (
    run_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at    text COLLATE "C" NOT NULL,
    finished_at   text COLLATE "C",
    status        text COLLATE "C" NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
    trigger       text COLLATE "C" NOT NULL,   -- 'http', 'scheduler', 'cli'
    schedule_time text COLLATE "C",            -- X-CloudScheduler-ScheduleTime, when the scheduler sent one
    summary       text COLLATE "C"             -- the JSON summary the trigger answered with
);

CREATE INDEX IF NOT EXISTS sync_runs_by_schedule ON sync_runs (schedule_time) WHERE schedule_time IS NOT NULL;
