-- customer_outbox: one delivery per customer version and CRM (docs/customers.md §3).
-- PostgreSQL dialect of sql/tables/customer_outbox.sql (docs/postgresql-dialect.md).
CREATE TABLE IF NOT EXISTS customer_outbox (
    delivery_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    crm             text COLLATE "C" NOT NULL,
    customer_id     text COLLATE "C" NOT NULL,
    version         bigint NOT NULL,
    state           text COLLATE "C" NOT NULL,
    attempts        integer NOT NULL,
    next_attempt_at text COLLATE "C" NOT NULL,
    last_error      text COLLATE "C",
    remote_id       text COLLATE "C",
    queued_at       text COLLATE "C" NOT NULL,
    settled_at      text COLLATE "C",
    UNIQUE (crm, customer_id, version)
);

CREATE INDEX IF NOT EXISTS customer_outbox_due ON customer_outbox (crm, state, next_attempt_at);
-- A CRM's webhook names its record: the customer is the one delivered as it (docs/customers.md §11).
CREATE INDEX IF NOT EXISTS customer_outbox_by_record ON customer_outbox (crm, remote_id);
