-- customer_versions: every change to a customer, append-only (docs/customers.md §2). The current
-- state is the newest applied version; a change older than the state it met is kept with applied = 0
-- (and logged in conflict_log), never current and never sent.
CREATE TABLE IF NOT EXISTS customer_versions (
    seq         INTEGER PRIMARY KEY,  -- arrival order
    customer_id TEXT NOT NULL,
    version     INTEGER NOT NULL,     -- 1, 2, ... per customer, in arrival order
    source      TEXT NOT NULL,        -- 'api', or the CRM the change came from ('hubspot')
    change      TEXT NOT NULL,        -- 'replace', 'merge' or 'delete'
    changed_at  TEXT NOT NULL,        -- when it happened, UTC with milliseconds
    received_at TEXT NOT NULL,        -- when it was stored
    deleted     INTEGER NOT NULL,     -- 1: the customer is deleted at this version
    applied     INTEGER NOT NULL,     -- 0: older than the state it met, history only
    payload     TEXT NOT NULL,        -- the state after the change, canonical JSON ({"id":...} when deleted)
    UNIQUE (customer_id, version)
);

CREATE TRIGGER IF NOT EXISTS customer_versions_no_update BEFORE UPDATE ON customer_versions
BEGIN
    SELECT RAISE(ABORT, 'customer_versions is append-only: UPDATE is not allowed');
END;

CREATE TRIGGER IF NOT EXISTS customer_versions_no_delete BEFORE DELETE ON customer_versions
BEGIN
    SELECT RAISE(ABORT, 'customer_versions is append-only: DELETE is not allowed');
END;
