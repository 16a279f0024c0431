-- order_status_daily_v: one row per day and status: how many orders entered that status that day.
-- An order enters a status at the first event (updated_at, else ingested_at) that carries it; statuses
-- are lower-cased so 'Shipped' and 'shipped' count together. Days are UTC. `stage` is the status's
-- lifecycle stage from the status vocabulary (sql/tables/status_stages.sql, docs/contract.md §2;
-- null for a status it does not know).
-- Read from the projection projection_count, kind 4 (docs/projections.md); order_status_daily_scratch_v
-- computes the same from orders_raw.
-- key: day, status
--
-- PostgreSQL dialect of sql/views/order_status_daily_v.sql: the same view name, columns, column order, key and rows
-- (tested against its twin on random histories: Tests/OrderStoreTests/PostgresProjectionTests.swift).
-- The projections are kept by sql/postgresql/functions/ordersync_project.sql; round() and julianday()
-- are sqlite_round() and sqlite_julianday() (sql/postgresql/tables/sqlite_compat.sql), so every double
-- is SQLite's bit for bit, as in the twin.
CREATE OR REPLACE VIEW order_status_daily_v AS
SELECT d.a AS day, d.b AS status, d.count AS orders, s.stage
FROM projection_count AS d
LEFT JOIN status_stages AS s ON s.status = d.b
WHERE d.kind = 4;
