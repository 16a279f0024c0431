-- latest_order_v: one row per order, its latest version.
-- Latest = the greatest updated_at among the versions that carry one, otherwise the greatest seq;
-- ties go to the greater seq (docs/contract.md §2). `versions` counts every stored version of the order.
-- key: order_id
--
-- PostgreSQL: no projections on this engine yet (docs/postgresql.md), so this view is its
-- from-scratch twin under the projection-backed name: the same columns and rows, computed from the
-- history at every read.
CREATE VIEW latest_order_v AS SELECT * FROM latest_order_scratch_v;
