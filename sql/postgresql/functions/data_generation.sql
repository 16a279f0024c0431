-- ordersync_data_generation: a number that moves whenever the data may have changed, for the HTTP
-- validators (ETags: Sources/OrderAPI/OrderService+Caching.swift), the same on every instance that
-- shares this database. A sequence, not a row: nextval never waits for another transaction, so
-- writers on many instances never queue on it.
--
-- Every write to the data tables moves it inside its transaction (the statement triggers below: any
-- writer, psql included). ordersync's own writers also move it once more right after each COMMIT and
-- before they answer (Sources/PostgresStore/PostgresWriter.swift): a reader that took the number while
-- a transaction was still open, and cached the old rows under it, sees the number move once the rows
-- are visible.
CREATE SEQUENCE IF NOT EXISTS ordersync_data_generation;

CREATE OR REPLACE FUNCTION ordersync_data_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('ordersync_data_generation');
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER orders_raw_changed AFTER INSERT OR UPDATE OR DELETE ON orders_raw
    FOR EACH STATEMENT EXECUTE FUNCTION ordersync_data_changed();
CREATE OR REPLACE TRIGGER source_records_changed AFTER INSERT OR UPDATE OR DELETE ON source_records
    FOR EACH STATEMENT EXECUTE FUNCTION ordersync_data_changed();
CREATE OR REPLACE TRIGGER sync_runs_changed AFTER INSERT OR UPDATE OR DELETE ON sync_runs
    FOR EACH STATEMENT EXECUTE FUNCTION ordersync_data_changed();
CREATE OR REPLACE TRIGGER sync_state_changed AFTER INSERT OR UPDATE OR DELETE ON sync_state
    FOR EACH STATEMENT EXECUTE FUNCTION ordersync_data_changed();
CREATE OR REPLACE TRIGGER status_stages_changed AFTER INSERT OR UPDATE OR DELETE ON status_stages
    FOR EACH STATEMENT EXECUTE FUNCTION ordersync_data_changed();
CREATE OR REPLACE TRIGGER source_events_changed AFTER INSERT OR UPDATE OR DELETE ON source_events
    FOR EACH STATEMENT EXECUTE FUNCTION ordersync_data_changed();
CREATE OR REPLACE TRIGGER conflict_log_changed AFTER INSERT OR UPDATE OR DELETE ON conflict_log
    FOR EACH STATEMENT EXECUTE FUNCTION ordersync_data_changed();
CREATE OR REPLACE TRIGGER entity_sync_state_changed AFTER INSERT OR UPDATE OR DELETE ON entity_sync_state
    FOR EACH STATEMENT EXECUTE FUNCTION ordersync_data_changed();
