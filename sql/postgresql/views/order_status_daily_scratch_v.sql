-- order_status_daily_scratch_v: the from-scratch twin of order_status_daily_v: the same rows, recomputed from
-- orders_raw at every read (slow at scale). The oracle its projections are tested and verified
-- against (`ordersync verify`), and what reads use while the projections' backfill runs
-- (docs/projections.md).
--
-- order_status_daily_v: one row per day and status: how many orders entered that status that day.
-- An order enters a status at the first event (updated_at, else ingested_at) that carries it; statuses
-- are lower-cased so 'Shipped' and 'shipped' count together. Days are UTC. `stage` is the status's
-- lifecycle stage from the status vocabulary (sql/tables/status_stages.sql, docs/contract.md §2;
-- null for a status it does not know).
-- key: day, status
--
-- PostgreSQL dialect of sql/views/order_status_daily_scratch_v.sql: the same view name, columns, column order, key and
-- rows as SQLite's on the same data (Tests/pgdialect/check compares them); what differs and why is in
-- docs/postgresql-dialect.md.
CREATE OR REPLACE VIEW order_status_daily_scratch_v AS
-- PostgreSQL: lower() under COLLATE "C" folds ASCII only, as SQLite's; times are COLLATE "C" text, so
-- min() is SQLite's byte order; substr() counts characters in both.
WITH daily AS (
    SELECT substr(entered_at, 1, 10) AS day, status, count(*) AS orders
    FROM (
        SELECT order_id, lower(order_status COLLATE "C") AS status, min(coalesce(updated_at, ingested_at)) AS entered_at
        FROM orders_raw
        GROUP BY order_id, lower(order_status COLLATE "C")
    ) AS entered
    GROUP BY day, status
)
SELECT d.day, d.status, d.orders, s.stage
FROM daily AS d
LEFT JOIN status_stages AS s ON s.status = d.status;
