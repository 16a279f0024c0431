-- order_status_summary_v: one row per current status (lower-cased): how many orders are in it now,
-- their share of all orders (0 to 1), and the status's lifecycle stage from the status vocabulary
-- (sql/tables/status_stages.sql, docs/contract.md §2; null for a status it does not know).
-- Read from the projection projection_count, kind 1 (docs/projections.md);
-- order_status_summary_scratch_v computes the same from orders_raw.
-- key: status
--
-- PostgreSQL dialect of sql/views/order_status_summary_v.sql: the same view name, columns, column order, key and rows
-- (tested against its twin on random histories: Tests/OrderStoreTests/PostgresProjectionTests.swift).
-- The projections are kept by sql/postgresql/functions/ordersync_project.sql; round() and julianday()
-- are sqlite_round() and sqlite_julianday() (sql/postgresql/tables/sqlite_compat.sql), so every double
-- is SQLite's bit for bit, as in the twin.
CREATE OR REPLACE VIEW order_status_summary_v AS
WITH counted AS (
    SELECT a AS status, count AS orders,
           sqlite_round(count::double precision / (sum(count) OVER ())::double precision, 4) AS share
    FROM projection_count
    WHERE kind = 1
)
SELECT c.status, c.orders, c.share, s.stage
FROM counted AS c
LEFT JOIN status_stages AS s ON s.status = c.status;
