-- recent_orders_scratch_v: the from-scratch twin of recent_orders_v: the same rows, recomputed from
-- orders_raw at every read (slow at scale). The oracle its projections are tested and verified
-- against (`ordersync verify`), and what reads use while the projections' backfill runs
-- (docs/projections.md).
--
-- recent_orders_v: one row per order, its latest version, the most recently changed order first:
-- by the event time of that version (updated_at, else ingested_at; docs/contract.md §2), ties by
-- seq, the later arrival first. `status` is order_status lower-cased, for case-insensitive filters.
-- No key: it pages by position, newest first. The dashboard's "latest orders" table reads it.
--
-- PostgreSQL dialect of sql/views/recent_orders_scratch_v.sql: the same view name, columns, column order, key and
-- rows as SQLite's on the same data (Tests/pgdialect/check compares them); what differs and why is in
-- docs/postgresql-dialect.md.
CREATE OR REPLACE VIEW recent_orders_scratch_v AS
-- PostgreSQL: lower() under COLLATE "C" folds ASCII only, as SQLite's; the event time is never NULL
-- and seq is unique, so the order is the same total order as SQLite's.
SELECT
    order_id,
    order_status,
    lower(order_status COLLATE "C") AS status,
    order_date,
    order_details,
    updated_at,
    ingested_at,
    versions,
    source,
    seq
FROM latest_order_scratch_v
ORDER BY coalesce(updated_at, ingested_at) DESC, seq DESC;
