-- recent_orders_v: one row per order, its latest version, the most recently changed order first:
-- by the event time of that version (updated_at, else ingested_at; docs/contract.md §2), ties by
-- seq, the later arrival first. `status` is order_status lower-cased, for case-insensitive filters.
-- No key: it pages by position, newest first. The dashboard's "latest orders" table reads it.
-- Read from the projection order_state: the ORDER BY is exactly its index order_state_by_latest_at
-- (sql/postgresql/migrations/0001_order_projections.sql), so a page of the newest orders reads that many rows.
-- recent_orders_scratch_v computes the same from orders_raw.
--
-- PostgreSQL dialect of sql/views/recent_orders_v.sql: the same view name, columns, column order, key and rows
-- (tested against its twin on random histories: Tests/OrderStoreTests/PostgresProjectionTests.swift).
-- The projections are kept by sql/postgresql/functions/ordersync_project.sql; round() and julianday()
-- are sqlite_round() and sqlite_julianday() (sql/postgresql/tables/sqlite_compat.sql), so every double
-- is SQLite's bit for bit, as in the twin.
CREATE OR REPLACE VIEW recent_orders_v AS
SELECT
    s.order_id,
    o.order_status,
    s.status,
    o.order_date,
    o.order_details,
    o.updated_at,
    o.ingested_at,
    s.versions,
    o.source,
    o.seq
FROM order_state AS s
JOIN orders_raw AS o ON o.seq = s.latest_seq
ORDER BY s.latest_at DESC, s.latest_seq DESC;
