-- order_lifecycle_metrics_v: one row per order, how it moved through the lifecycle stages.
-- Event time of a version = updated_at when present, else ingested_at. A status's stage comes from
-- the status vocabulary (sql/tables/status_stages.sql, docs/contract.md §2), so Shopify's `paid`
-- counts as processing and `fulfilled` as shipped. processing_at / shipped_at / delivered_at = when
-- a status of that stage was first reached; hours_to_* = hours from the first event to it (null when
-- never reached); ended_* = 1 when the current status's stage is cancelled / refunded / returned;
-- hours_open = hours from the first to the last event; current_stage = the current status's stage
-- (null for a status the vocabulary does not know).
-- Read from the projection order_state (docs/projections.md); order_lifecycle_metrics_scratch_v
-- computes the same from orders_raw.
-- key: order_id
--
-- PostgreSQL dialect of sql/views/order_lifecycle_metrics_v.sql: the same view name, columns, column order, key and rows
-- (tested against its twin on random histories: Tests/OrderStoreTests/PostgresProjectionTests.swift).
-- The projections are kept by sql/postgresql/functions/ordersync_project.sql; round() and julianday()
-- are sqlite_round() and sqlite_julianday() (sql/postgresql/tables/sqlite_compat.sql), so every double
-- is SQLite's bit for bit, as in the twin.
CREATE OR REPLACE VIEW order_lifecycle_metrics_v AS
SELECT
    s.order_id,
    s.first_at AS first_seen_at,
    s.last_at AS last_seen_at,
    s.versions,
    e.order_status AS first_status,
    l.order_status AS current_status,
    s.processing_at,
    s.shipped_at,
    s.delivered_at,
    sqlite_round((sqlite_julianday(s.processing_at) - sqlite_julianday(s.first_at)) * 24::double precision, 3)
        AS hours_to_processing,
    sqlite_round((sqlite_julianday(s.shipped_at) - sqlite_julianday(s.first_at)) * 24::double precision, 3)
        AS hours_to_shipped,
    sqlite_round((sqlite_julianday(s.delivered_at) - sqlite_julianday(s.first_at)) * 24::double precision, 3)
        AS hours_to_delivered,
    coalesce((c.stage = 'cancelled')::integer, 0) AS ended_cancelled,
    coalesce((c.stage = 'refunded')::integer, 0) AS ended_refunded,
    coalesce((c.stage = 'returned')::integer, 0) AS ended_returned,
    sqlite_round((sqlite_julianday(s.last_at) - sqlite_julianday(s.first_at)) * 24::double precision, 3) AS hours_open,
    c.stage AS current_stage
FROM order_state AS s
JOIN orders_raw AS l ON l.seq = s.latest_seq
JOIN orders_raw AS e ON e.seq = s.earliest_seq
LEFT JOIN status_stages AS c ON c.status = s.status;
