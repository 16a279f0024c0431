-- entity_sync_state: per order (or customer record) and source, the last webhook or change event seen
-- (docs/realtime.md §4). PostgreSQL dialect of sql/tables/entity_sync_state.sql.
CREATE TABLE IF NOT EXISTS entity_sync_state (
    entity          text COLLATE "C" NOT NULL,
    source          text COLLATE "C" NOT NULL,
    version         bigint,
    last_event_time text COLLATE "C",
    content_hash    text COLLATE "C" NOT NULL,
    status          text COLLATE "C" NOT NULL,
    updated_at      text COLLATE "C" NOT NULL,
    PRIMARY KEY (entity, source)
);
