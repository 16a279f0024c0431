-- order_status_summary_v: one row per current status (lower-cased): how many orders are in it now,
-- their share of all orders (0 to 1), and the status's lifecycle stage from the status vocabulary
-- (sql/tables/status_stages.sql, docs/contract.md §2; null for a status it does not know).
-- Read from the projection status_current (docs/projections.md); order_status_summary_scratch_v
-- computes the same from orders_raw.
-- key: status
CREATE VIEW order_status_summary_v AS
WITH counted AS (
    SELECT status, orders, round(orders * 1.0 / sum(orders) OVER (), 4) AS share
    FROM status_current
)
SELECT c.status, c.orders, c.share, s.stage
FROM counted AS c
LEFT JOIN status_stages AS s ON s.status = c.status;
