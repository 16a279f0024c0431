-- order_lifecycle_metrics_scratch_v: the from-scratch twin of order_lifecycle_metrics_v: the same rows, recomputed from
-- orders_raw at every read (slow at scale). The oracle its projections are tested and verified
-- against (`ordersync verify`), and what reads use while the projections' backfill runs
-- (docs/projections.md).
--
-- order_lifecycle_metrics_v: one row per order, how it moved through the lifecycle stages.
-- Event time of a version = updated_at when present, else ingested_at. A status's stage comes from
-- the status vocabulary (sql/tables/status_stages.sql, docs/contract.md §2), so Shopify's `paid`
-- counts as processing and `fulfilled` as shipped. processing_at / shipped_at / delivered_at = when
-- a status of that stage was first reached; hours_to_* = hours from the first event to it (null when
-- never reached); ended_* = 1 when the current status's stage is cancelled / refunded / returned;
-- hours_open = hours from the first to the last event; current_stage = the current status's stage
-- (null for a status the vocabulary does not know).
-- key: order_id
--
-- PostgreSQL dialect of sql/views/order_lifecycle_metrics_scratch_v.sql: the same view name, columns, column order, key and
-- rows as SQLite's on the same data (Tests/pgdialect/check compares them); what differs and why is in
-- docs/postgresql-dialect.md.
CREATE OR REPLACE VIEW order_lifecycle_metrics_scratch_v AS
-- PostgreSQL: first_status is the first event's status taken while grouping (SQLite's correlated
-- subquery on the CTE gets an automatic index there; PostgreSQL would scan the CTE once per order);
-- julianday() and round() are sqlite_julianday() and sqlite_round()
-- (sql/postgresql/tables/sqlite_compat.sql), so hours_* are SQLite's doubles bit for bit; lower() under
-- COLLATE "C" folds ASCII only, as SQLite's; the ended_* flags are integers 0 / 1, as SQLite's
-- comparisons give.
WITH events AS (
    SELECT o.order_id, o.seq, o.order_status, s.stage,
           coalesce(o.updated_at, o.ingested_at) AS at
    FROM orders_raw AS o
    LEFT JOIN status_stages AS s ON s.status = lower(o.order_status COLLATE "C")
),
per_order AS (
    SELECT
        order_id,
        min(at) AS first_seen_at,
        max(at) AS last_seen_at,
        count(*) AS versions,
        min(CASE WHEN stage = 'processing' THEN at END) AS processing_at,
        min(CASE WHEN stage = 'shipped' THEN at END) AS shipped_at,
        min(CASE WHEN stage = 'delivered' THEN at END) AS delivered_at,
        (array_agg(order_status ORDER BY at, seq))[1] AS first_status
    FROM events
    GROUP BY order_id
)
SELECT
    p.order_id,
    p.first_seen_at,
    p.last_seen_at,
    p.versions,
    p.first_status,
    l.order_status AS current_status,
    p.processing_at,
    p.shipped_at,
    p.delivered_at,
    sqlite_round((sqlite_julianday(p.processing_at) - sqlite_julianday(p.first_seen_at)) * 24::double precision, 3)
        AS hours_to_processing,
    sqlite_round((sqlite_julianday(p.shipped_at) - sqlite_julianday(p.first_seen_at)) * 24::double precision, 3)
        AS hours_to_shipped,
    sqlite_round((sqlite_julianday(p.delivered_at) - sqlite_julianday(p.first_seen_at)) * 24::double precision, 3)
        AS hours_to_delivered,
    coalesce((c.stage = 'cancelled')::integer, 0) AS ended_cancelled,
    coalesce((c.stage = 'refunded')::integer, 0) AS ended_refunded,
    coalesce((c.stage = 'returned')::integer, 0) AS ended_returned,
    sqlite_round((sqlite_julianday(p.last_seen_at) - sqlite_julianday(p.first_seen_at)) * 24::double precision, 3)
        AS hours_open,
    c.stage AS current_stage
FROM per_order AS p
JOIN latest_order_scratch_v AS l ON l.order_id = p.order_id
LEFT JOIN status_stages AS c ON c.status = lower(l.order_status COLLATE "C");
