-- entity_sync_state_v: per order (or record) and source, the last webhook or change event seen and
-- what became of it (sql/tables/entity_sync_state.sql).
-- key: entity, source
CREATE VIEW entity_sync_state_v AS
SELECT entity, source, version, last_event_time, content_hash, status, updated_at
FROM entity_sync_state;
