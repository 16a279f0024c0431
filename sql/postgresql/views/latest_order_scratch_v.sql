-- latest_order_scratch_v: the from-scratch twin of latest_order_v: the same rows, recomputed from
-- orders_raw at every read (slow at scale). The oracle its projections are tested and verified
-- against (`ordersync verify`), and what reads use while the projections' backfill runs
-- (docs/projections.md).
--
-- latest_order_v: one row per order, its latest version.
-- Latest = the greatest updated_at among the versions that carry one, otherwise the greatest seq;
-- ties go to the greater seq (docs/contract.md §2). `versions` counts every stored version of the order.
-- Written as a filter over orders_raw (not a GROUP BY) so that `WHERE order_id > ? ORDER BY order_id`
-- is a range seek on the index: paging through it never materialises the whole table.
-- key: order_id
--
-- PostgreSQL dialect of sql/views/latest_order_scratch_v.sql: the same view name, columns, column order, key and
-- rows as SQLite's on the same data (Tests/pgdialect/check compares them); what differs and why is in
-- docs/postgresql-dialect.md.
CREATE OR REPLACE VIEW latest_order_scratch_v AS
-- PostgreSQL: the same statement; updated_at is COLLATE "C" (sql/postgresql/tables/orders_raw.sql), so
-- "greatest updated_at" is SQLite's byte order, and it is never NULL where it is sorted.
SELECT
    o.order_id,
    o.order_date,
    o.order_status,
    o.order_details,
    o.updated_at,
    o.ingested_at,
    (SELECT count(*) FROM orders_raw c WHERE c.order_id = o.order_id) AS versions,
    o.source,
    o.seq
FROM orders_raw AS o
WHERE o.seq = coalesce(
    (SELECT l.seq FROM orders_raw AS l
      WHERE l.order_id = o.order_id AND l.updated_at IS NOT NULL
      ORDER BY l.updated_at DESC, l.seq DESC LIMIT 1),
    (SELECT max(l.seq) FROM orders_raw AS l WHERE l.order_id = o.order_id)
);
