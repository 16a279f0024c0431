-- customer_versions: every change to a customer, append-only (docs/customers.md §2).
-- PostgreSQL dialect of sql/tables/customer_versions.sql (docs/postgresql-dialect.md).
CREATE TABLE IF NOT EXISTS customer_versions (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id text COLLATE "C" NOT NULL,
    version     bigint NOT NULL,
    source      text COLLATE "C" NOT NULL,
    change      text COLLATE "C" NOT NULL,
    changed_at  text COLLATE "C" NOT NULL,
    received_at text COLLATE "C" NOT NULL,
    deleted     integer NOT NULL,
    applied     integer NOT NULL,
    payload     text COLLATE "C" NOT NULL,
    UNIQUE (customer_id, version)
);

CREATE OR REPLACE FUNCTION customer_versions_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'customer_versions is append-only: % is not allowed', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE OR REPLACE TRIGGER customer_versions_no_update BEFORE UPDATE ON customer_versions
    FOR EACH ROW EXECUTE FUNCTION customer_versions_append_only();

CREATE OR REPLACE TRIGGER customer_versions_no_delete BEFORE DELETE ON customer_versions
    FOR EACH ROW EXECUTE FUNCTION customer_versions_append_only();

CREATE OR REPLACE TRIGGER customer_versions_no_truncate BEFORE TRUNCATE ON customer_versions
    FOR EACH STATEMENT EXECUTE FUNCTION customer_versions_append_only();
