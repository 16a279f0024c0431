-- source_records: every version of every record a connector fetched (Shopify orders, Zoho CRM
-- contacts, generic customers), append-only like orders_raw. A version whose payload equals the
-- latest stored one for the same (source, source_id) is not stored again, so refetching a page
-- (a retry, a resumed run, the inclusive cursor bound) never doubles anything.
-- PostgreSQL dialect of sql/tables/source_records.sql (docs/postgresql-dialect.md): text columns
-- COLLATE "C" (SQLite's byte order), seq an identity column.
CREATE TABLE IF NOT EXISTS source_records (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- arrival order
    source     text COLLATE "C" NOT NULL,   -- 'shopify', 'zoho', 'customers'
    source_id  text COLLATE "C" NOT NULL,   -- the provider's id, as text
    updated_at text COLLATE "C",            -- the provider's modification time, UTC with milliseconds
    payload    text COLLATE "C" NOT NULL,   -- the record as fetched, canonical JSON
    fetched_at text COLLATE "C" NOT NULL,   -- when ordersync stored it, UTC with milliseconds
    run_id     bigint                       -- the sync run that fetched it (sync_runs.run_id)
);

-- The latest version of a record is a seek: (source, source_id) then the greatest seq (named here:
-- PostgreSQL does not append the row id to an index as SQLite does).
CREATE INDEX IF NOT EXISTS source_records_by_id ON source_records (source, source_id, seq);

-- Append-only, enforced by the database, with SQLite's messages (see sql/postgresql/tables/orders_raw.sql):
-- UPDATE and DELETE refused row by row, TRUNCATE per statement; SQLSTATE 23001.
CREATE OR REPLACE FUNCTION source_records_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'source_records is append-only: % is not allowed', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE OR REPLACE TRIGGER source_records_no_update BEFORE UPDATE ON source_records
    FOR EACH ROW EXECUTE FUNCTION source_records_append_only();

CREATE OR REPLACE TRIGGER source_records_no_delete BEFORE DELETE ON source_records
    FOR EACH ROW EXECUTE FUNCTION source_records_append_only();

CREATE OR REPLACE TRIGGER source_records_no_truncate BEFORE TRUNCATE ON source_records
    FOR EACH STATEMENT EXECUTE FUNCTION source_records_append_only();
