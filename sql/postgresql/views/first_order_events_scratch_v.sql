-- first_order_events_scratch_v: the from-scratch twin of first_order_events_v: the same rows, recomputed from
-- orders_raw at every read (slow at scale). The oracle its projections are tested and verified
-- against (`ordersync verify`), and what reads use while the projections' backfill runs
-- (docs/projections.md).
--
-- first_order_events_v: one row per order, its first version seen (the earliest to arrive):
-- the status it first had, when that was (updated_at, else ingested_at), and the order_date it came
-- with. first_stage is that status's lifecycle stage from the status vocabulary
-- (sql/tables/status_stages.sql, docs/contract.md §2; null for a status it does not know).
-- key: order_id
--
-- PostgreSQL dialect of sql/views/first_order_events_scratch_v.sql: the same view name, columns, column order, key and
-- rows as SQLite's on the same data (Tests/pgdialect/check compares them); what differs and why is in
-- docs/postgresql-dialect.md.
CREATE OR REPLACE VIEW first_order_events_scratch_v AS
-- PostgreSQL: lower() under COLLATE "C" folds ASCII A-Z only, as SQLite's built-in lower() does.
SELECT
    o.order_id,
    o.order_status AS first_status,
    coalesce(o.updated_at, o.ingested_at) AS first_seen_at,
    o.order_date,
    o.source,
    o.seq,
    s.stage AS first_stage
FROM orders_raw AS o
LEFT JOIN status_stages AS s ON s.status = lower(o.order_status COLLATE "C")
WHERE o.seq = (SELECT min(f.seq) FROM orders_raw AS f WHERE f.order_id = o.order_id);
