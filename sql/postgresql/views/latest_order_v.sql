-- latest_order_v: one row per order, its latest version.
-- Latest = the greatest updated_at among the versions that carry one, otherwise the greatest seq;
-- ties go to the greater seq (docs/contract.md §2). `versions` counts every stored version of the order.
-- Read from the projection order_state (sql/postgresql/migrations/0001_order_projections.sql, docs/projections.md),
-- kept current by the writer: `WHERE order_id > ? ORDER BY order_id` is a range seek on its key and
-- each row one lookup of its version by seq. latest_order_scratch_v computes the same from orders_raw.
-- key: order_id
--
-- PostgreSQL dialect of sql/views/latest_order_v.sql: the same view name, columns, column order, key and rows
-- (tested against its twin on random histories: Tests/OrderStoreTests/PostgresProjectionTests.swift).
-- The projections are kept by sql/postgresql/functions/ordersync_project.sql; round() and julianday()
-- are sqlite_round() and sqlite_julianday() (sql/postgresql/tables/sqlite_compat.sql), so every double
-- is SQLite's bit for bit, as in the twin.
CREATE OR REPLACE VIEW latest_order_v AS
SELECT
    s.order_id,
    o.order_date,
    o.order_status,
    o.order_details,
    o.updated_at,
    o.ingested_at,
    s.versions,
    o.source,
    o.seq
FROM order_state AS s
JOIN orders_raw AS o ON o.seq = s.latest_seq;
