-- order_status_summary_v: one row per current status (lower-cased): how many orders are in it now,
-- and their share of all orders (0 to 1).
-- key: status
CREATE VIEW order_status_summary_v AS
SELECT
    lower(order_status) AS status,
    count(*) AS orders,
    round(count(*) * 1.0 / sum(count(*)) OVER (), 4) AS share
FROM latest_order_v
GROUP BY lower(order_status);
