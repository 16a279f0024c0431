-- first_order_events_v: one row per order, its first version seen (the earliest to arrive):
-- the status it first had, when that was (updated_at, else ingested_at), and the order_date it came
-- with. first_stage is that status's lifecycle stage from the status vocabulary
-- (sql/tables/status_stages.sql, docs/contract.md §2; null for a status it does not know).
-- key: order_id
--
-- PostgreSQL: no projections on this engine yet (docs/postgresql.md), so this view is its
-- from-scratch twin under the projection-backed name: the same columns and rows, computed from the
-- history at every read.
CREATE VIEW first_order_events_v AS SELECT * FROM first_order_events_scratch_v;
