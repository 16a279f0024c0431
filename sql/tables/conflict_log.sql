-- conflict_log: every time two sources disagreed about an order and one lost, with why
-- (docs/contract.md §2, "Sources in conflict"), append-only. Written in the transaction of the
-- version that met the conflict.
--   kind 'same_time': a version from another source with other content at an event time already
--        stored; SOURCE_PRIORITY decides (equal ranks: the one stored first stays).
--   kind 'late': a version from another source older than the latest: stored in history, the
--        latest stays.
CREATE TABLE IF NOT EXISTS conflict_log (
    conflict_id   INTEGER PRIMARY KEY,  -- arrival order
    entity        TEXT NOT NULL,        -- the order id
    kind          TEXT NOT NULL,        -- 'same_time' or 'late'
    winner_source TEXT NOT NULL,        -- the source whose version stands
    loser_source  TEXT NOT NULL,        -- the source whose version lost
    resolution    TEXT NOT NULL,        -- 'priority', 'first_stored' or 'kept_in_history'
    event_time    TEXT NOT NULL,        -- the losing version's updated_at
    winner_time   TEXT NOT NULL,        -- the winning version's updated_at
    details       TEXT NOT NULL,        -- the decision in words
    logged_at     TEXT NOT NULL         -- when, UTC with milliseconds
);

CREATE INDEX IF NOT EXISTS conflict_log_by_entity ON conflict_log (entity, conflict_id);

CREATE TRIGGER IF NOT EXISTS conflict_log_no_update BEFORE UPDATE ON conflict_log
BEGIN
    SELECT RAISE(ABORT, 'conflict_log is append-only: UPDATE is not allowed');
END;

CREATE TRIGGER IF NOT EXISTS conflict_log_no_delete BEFORE DELETE ON conflict_log
BEGIN
    SELECT RAISE(ABORT, 'conflict_log is append-only: DELETE is not allowed');
END;
