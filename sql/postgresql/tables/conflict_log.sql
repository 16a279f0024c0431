-- conflict_log: every time two sources disagreed about an order and one lost, with why
-- (docs/contract.md §2, "Sources in conflict"), append-only. Written in the transaction of the
-- version that met the conflict (sql/postgresql/functions/ordersync_ingest.sql).
-- PostgreSQL dialect of sql/tables/conflict_log.sql (docs/postgresql-dialect.md).
CREATE TABLE IF NOT EXISTS conflict_log (
    conflict_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity        text COLLATE "C" NOT NULL,
    kind          text COLLATE "C" NOT NULL,
    winner_source text COLLATE "C" NOT NULL,
    loser_source  text COLLATE "C" NOT NULL,
    resolution    text COLLATE "C" NOT NULL,
    event_time    text COLLATE "C" NOT NULL,
    winner_time   text COLLATE "C" NOT NULL,
    details       text COLLATE "C" NOT NULL,
    logged_at     text COLLATE "C" NOT NULL
);

CREATE INDEX IF NOT EXISTS conflict_log_by_entity ON conflict_log (entity, conflict_id);

CREATE OR REPLACE FUNCTION conflict_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'conflict_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE OR REPLACE TRIGGER conflict_log_no_update BEFORE UPDATE ON conflict_log
    FOR EACH ROW EXECUTE FUNCTION conflict_log_append_only();

CREATE OR REPLACE TRIGGER conflict_log_no_delete BEFORE DELETE ON conflict_log
    FOR EACH ROW EXECUTE FUNCTION conflict_log_append_only();

CREATE OR REPLACE TRIGGER conflict_log_no_truncate BEFORE TRUNCATE ON conflict_log
    FOR EACH STATEMENT EXECUTE FUNCTION conflict_log_append_only();
