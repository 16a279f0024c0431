-- order_stage_timings_v: one row per lifecycle stage (processing, shipped, delivered): how many orders
-- reached it, and the average and median hours from an order's first event to reaching it.
-- Same event-time rule and status vocabulary (sql/tables/status_stages.sql) as
-- order_lifecycle_metrics_v. For the dashboard's stage chart.
-- key: position
--
-- PostgreSQL: no projections on this engine yet (docs/postgresql.md), so this view is its
-- from-scratch twin under the projection-backed name: the same columns and rows, computed from the
-- history at every read.
CREATE VIEW order_stage_timings_v AS SELECT * FROM order_stage_timings_scratch_v;
