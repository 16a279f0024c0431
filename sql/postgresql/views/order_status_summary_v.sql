-- order_status_summary_v: one row per current status (lower-cased): how many orders are in it now,
-- their share of all orders (0 to 1), and the status's lifecycle stage from the status vocabulary
-- (sql/tables/status_stages.sql, docs/contract.md §2; null for a status it does not know).
-- key: status
--
-- PostgreSQL: no projections on this engine yet (docs/postgresql.md), so this view is its
-- from-scratch twin under the projection-backed name: the same columns and rows, computed from the
-- history at every read.
CREATE VIEW order_status_summary_v AS SELECT * FROM order_status_summary_scratch_v;
