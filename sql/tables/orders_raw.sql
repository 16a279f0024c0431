-- orders_raw: one row per version of an order, in arrival order. Append-only:
-- the triggers below refuse UPDATE and DELETE, so history can never be rewritten.
CREATE TABLE IF NOT EXISTS orders_raw (
    seq          INTEGER PRIMARY KEY,           -- arrival order, strictly increasing
    order_id     TEXT NOT NULL,                 -- the client's id (integers as decimal text)
    order_date   TEXT NOT NULL,                 -- UTC RFC 3339, e.g. 2025-08-08T10:00:00Z
    order_status TEXT NOT NULL,                 -- as sent, trimmed
    order_details TEXT,                         -- a string as sent, or the JSON text of other values
    updated_at   TEXT,                          -- event time of this version, UTC with milliseconds
    ingested_at  TEXT NOT NULL,                 -- server time of the write, UTC with milliseconds
    source       TEXT NOT NULL DEFAULT 'api',   -- 'api' for POST /, 'shopify', ... for synced data
    payload      TEXT NOT NULL                  -- the whole object as received, canonical JSON
);

-- "Latest version of an order" and "is this updated_at already stored" are both seeks on this index;
-- SQLite appends the rowid (seq) to every index entry, so ties order by seq for free.
CREATE INDEX IF NOT EXISTS orders_raw_order_version ON orders_raw (order_id, updated_at);

-- "Most recently changed first" (recent_orders_v) is a walk down this index, stopped at the page's
-- last row, instead of a sort of every order: the event time of a version (docs/contract.md §2), with
-- seq appended by SQLite to break ties.
CREATE INDEX IF NOT EXISTS orders_raw_by_event_time ON orders_raw (coalesce(updated_at, ingested_at));

CREATE TRIGGER IF NOT EXISTS orders_raw_no_update BEFORE UPDATE ON orders_raw
BEGIN
    SELECT RAISE(ABORT, 'orders_raw is append-only: UPDATE is not allowed');
END;

CREATE TRIGGER IF NOT EXISTS orders_raw_no_delete BEFORE DELETE ON orders_raw
BEGIN
    SELECT RAISE(ABORT, 'orders_raw is append-only: DELETE is not allowed');
END;
