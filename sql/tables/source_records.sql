-- source_records: every version of every record a connector fetched (Shopify orders, Zoho CRM
-- contacts, generic customers), append-only like orders_raw. A version whose payload equals the
-- latest stored one for the same (source, source_id) is not stored again, so refetching a page
-- (a retry, a resumed run, the inclusive cursor bound) never doubles anything.
CREATE TABLE IF NOT EXISTS source_records (
    seq        INTEGER PRIMARY KEY,     -- arrival order
    source     TEXT NOT NULL,           -- 'shopify', 'zoho', 'customers'
    source_id  TEXT NOT NULL,           -- the provider's id, as text
    updated_at TEXT,                    -- the provider's modification time, UTC with milliseconds
    payload    TEXT NOT NULL,           -- the record as fetched, canonical JSON
    fetched_at TEXT NOT NULL,           -- when ordersync stored it, UTC with milliseconds
    run_id     INTEGER                  -- the sync run that fetched it (sync_runs.run_id)
);

-- The latest version of a record is a seek: (source, source_id) then the greatest seq.
CREATE INDEX IF NOT EXISTS source_records_by_id ON source_records (source, source_id);

CREATE TRIGGER IF NOT EXISTS source_records_no_update BEFORE UPDATE ON source_records
BEGIN
    SELECT RAISE(ABORT, 'source_records is append-only: UPDATE is not allowed');
END;

CREATE TRIGGER IF NOT EXISTS source_records_no_delete BEFORE DELETE ON source_records
BEGIN
    SELECT RAISE(ABORT, 'source_records is append-only: DELETE is not allowed');
END;
