-- recent_orders_v: one row per order, its latest version, the most recently changed order first:
-- by the event time of that version (updated_at, else ingested_at; docs/contract.md §2), ties by
-- seq, the later arrival first. `status` is order_status lower-cased, for case-insensitive filters.
-- No key: it pages by position, newest first. The dashboard's "latest orders" table reads it.
--
-- PostgreSQL: no projections on this engine yet (docs/postgresql.md), so this view is its
-- from-scratch twin under the projection-backed name: the same columns and rows, computed from the
-- history at every read.
CREATE VIEW recent_orders_v AS SELECT * FROM recent_orders_scratch_v;
