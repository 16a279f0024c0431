-- order_status_summary_scratch_v: the from-scratch twin of order_status_summary_v: the same rows, recomputed from
-- orders_raw at every read (slow at scale). The oracle its projections are tested and verified
-- against (`ordersync verify`), and what reads use while the projections' backfill runs
-- (docs/projections.md).
--
-- order_status_summary_v: one row per current status (lower-cased): how many orders are in it now,
-- their share of all orders (0 to 1), and the status's lifecycle stage from the status vocabulary
-- (sql/tables/status_stages.sql, docs/contract.md §2; null for a status it does not know).
-- key: status
--
-- PostgreSQL dialect of sql/views/order_status_summary_scratch_v.sql: the same view name, columns, column order, key and
-- rows as SQLite's on the same data (Tests/pgdialect/check compares them); what differs and why is in
-- docs/postgresql-dialect.md.
CREATE OR REPLACE VIEW order_status_summary_scratch_v AS
-- PostgreSQL: share divides in double precision as SQLite does (count * 1.0 / sum) and rounds with
-- sqlite_round() (sql/postgresql/tables/sqlite_compat.sql): SQLite's double bit for bit.
WITH counted AS (
    SELECT
        lower(order_status COLLATE "C") AS status,
        count(*) AS orders,
        sqlite_round(count(*)::double precision / (sum(count(*)) OVER ())::double precision, 4) AS share
    FROM latest_order_scratch_v
    GROUP BY lower(order_status COLLATE "C")
)
SELECT c.status, c.orders, c.share, s.stage
FROM counted AS c
LEFT JOIN status_stages AS s ON s.status = c.status;
