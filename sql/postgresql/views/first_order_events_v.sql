-- first_order_events_v: one row per order, its first version seen (the earliest to arrive):
-- the status it first had, when that was (updated_at, else ingested_at), and the order_date it came
-- with. first_stage is that status's lifecycle stage from the status vocabulary
-- (sql/tables/status_stages.sql, docs/contract.md §2; null for a status it does not know).
-- Read from the projection order_state (docs/projections.md); first_order_events_scratch_v computes
-- the same from orders_raw.
-- key: order_id
--
-- PostgreSQL dialect of sql/views/first_order_events_v.sql: the same view name, columns, column order, key and rows
-- (tested against its twin on random histories: Tests/OrderStoreTests/PostgresProjectionTests.swift).
-- The projections are kept by sql/postgresql/functions/ordersync_project.sql; round() and julianday()
-- are sqlite_round() and sqlite_julianday() (sql/postgresql/tables/sqlite_compat.sql), so every double
-- is SQLite's bit for bit, as in the twin.
CREATE OR REPLACE VIEW first_order_events_v AS
SELECT
    s.order_id,
    o.order_status AS first_status,
    coalesce(o.updated_at, o.ingested_at) AS first_seen_at,
    o.order_date,
    o.source,
    o.seq,
    t.stage AS first_stage
FROM order_state AS s
JOIN orders_raw AS o ON o.seq = s.first_seq
LEFT JOIN status_stages AS t ON t.status = lower(o.order_status COLLATE "C");
