-- source_events_v: every webhook delivery and change event kept (sql/tables/source_events.sql), with
-- its outcome and how long after the change at the source it was stored (lag_seconds; NULL when the
-- event carries no time). The payload stays in the table; pages follow event_id, the arrival order.
-- key: event_id
--
-- PostgreSQL dialect of sql/views/source_events_v.sql: the same view name, columns, key and rows as
-- SQLite's on the same data (Tests/pgdialect/check compares them); julianday() and round() are
-- sqlite_julianday() and sqlite_round() (sql/postgresql/tables/sqlite_compat.sql).
CREATE OR REPLACE VIEW source_events_v AS
SELECT
    event_id,
    source,
    event_type,
    source_id,
    status,
    detail,
    event_time,
    received_at,
    sqlite_round((sqlite_julianday(received_at) - sqlite_julianday(event_time)) * 86400.0::double precision, 3)
        AS lag_seconds
FROM source_events;
