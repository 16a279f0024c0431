-- source_events_v: every webhook delivery and change event kept (sql/tables/source_events.sql), with
-- its outcome and how long after the change at the source it was stored (lag_seconds; NULL when the
-- event carries no time). The payload stays in the table; pages follow event_id, the arrival order.
-- key: event_id
CREATE VIEW source_events_v AS
SELECT
    event_id,
    source,
    event_type,
    source_id,
    status,
    detail,
    event_time,
    received_at,
    round((julianday(received_at) - julianday(event_time)) * 86400.0, 3) AS lag_seconds
FROM source_events;
