-- latest_order_v: one row per order, its latest version.
-- Latest = the greatest updated_at among the versions that carry one, otherwise the greatest seq;
-- ties go to the greater seq (docs/contract.md §2). `versions` counts every stored version of the order.
-- Read from the projection order_state (sql/migrations/0001_order_projections.sql, docs/projections.md),
-- kept current by the writer: `WHERE order_id > ? ORDER BY order_id` is a range seek on its key and
-- each row one lookup of its version by seq. latest_order_scratch_v computes the same from orders_raw.
-- key: order_id
CREATE VIEW latest_order_v AS
SELECT
    s.order_id,
    o.order_date,
    o.order_status,
    o.order_details,
    o.updated_at,
    o.ingested_at,
    s.versions + 0 AS versions,  -- computed, as in the twin: no column affinity for filters (docs/contract.md §3)
    o.source,
    o.seq
FROM order_state AS s
JOIN orders_raw AS o ON o.seq = s.latest_seq;
