-- orders_raw: one row per version of an order, in arrival order. Append-only:
-- the triggers below refuse UPDATE, DELETE and TRUNCATE, so history can never be rewritten.
-- PostgreSQL dialect of sql/tables/orders_raw.sql (docs/postgresql-dialect.md): the same columns with
-- the same meaning. Every text column is COLLATE "C" (byte order), as SQLite's BINARY collation
-- compares: `ORDER BY order_id`, min/max of times and the views' keys order exactly as in SQLite,
-- whatever the database's default collation.
CREATE TABLE IF NOT EXISTS orders_raw (
    seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- arrival order, strictly increasing
    order_id      text COLLATE "C" NOT NULL,                 -- the client's id (integers as decimal text)
    order_date    text COLLATE "C" NOT NULL,                 -- UTC RFC 3339, e.g. 2025-08-08T10:00:00Z
    order_status  text COLLATE "C" NOT NULL,                 -- as sent, trimmed
    order_details text COLLATE "C",                          -- a string as sent, or the JSON text of other values
    updated_at    text COLLATE "C",                          -- event time of this version, UTC with milliseconds
    ingested_at   text COLLATE "C" NOT NULL,                 -- server time of the write, UTC with milliseconds
    source        text COLLATE "C" NOT NULL DEFAULT 'api',   -- 'api' for POST /, 'shopify', ... for synced data
    payload       text COLLATE "C" NOT NULL                  -- the whole object as received, canonical JSON
);

-- "Latest version of an order" and "is this updated_at already stored" are both seeks on this index.
-- SQLite appends the rowid (seq) to every index entry; PostgreSQL does not, so seq is named here and
-- ties still order by seq in the index.
CREATE INDEX IF NOT EXISTS orders_raw_order_version ON orders_raw (order_id, updated_at, seq);

-- "Most recently changed first" (recent_orders_v) is a walk down this index, stopped at the page's
-- last row, instead of a sort of every order: the event time of a version (docs/contract.md §2), then
-- seq to break ties (named, as above).
-- Append-only, enforced by the database: UPDATE and DELETE are refused row by row (like SQLite's
-- BEFORE triggers, so a statement that matches no row is not an error), TRUNCATE per statement
-- (PostgreSQL has no row trigger for it). The messages are SQLite's: "orders_raw is append-only:
-- UPDATE is not allowed". SQLSTATE 23001 (restrict_violation): a constraint error, as SQLite's
-- RAISE(ABORT) in a trigger is SQLITE_CONSTRAINT_TRIGGER.
CREATE OR REPLACE FUNCTION orders_raw_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'orders_raw is append-only: % is not allowed', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$;

-- CREATE OR REPLACE TRIGGER (PostgreSQL 14 and later): running the file again leaves one trigger each.
CREATE OR REPLACE TRIGGER orders_raw_no_update BEFORE UPDATE ON orders_raw
    FOR EACH ROW EXECUTE FUNCTION orders_raw_append_only();

CREATE OR REPLACE TRIGGER orders_raw_no_delete BEFORE DELETE ON orders_raw
    FOR EACH ROW EXECUTE FUNCTION orders_raw_append_only();

CREATE OR REPLACE TRIGGER orders_raw_no_truncate BEFORE TRUNCATE ON orders_raw
    FOR EACH STATEMENT EXECUTE FUNCTION orders_raw_append_only();
