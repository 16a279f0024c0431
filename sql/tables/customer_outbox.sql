-- customer_outbox: one delivery per customer version and CRM, written in the version's transaction
-- (docs/customers.md §3). A CRM's worker sends, per customer, only the newest pending version (the
-- older ones are coalesced into it: the newest holds the latest state); delivering or dead-lettering
-- a version supersedes the older pending ones, so no version ever overtakes a newer one.
--   state 'pending': to send at next_attempt_at; 'delivered'; 'dead' (refused for good: the
--   dead-letter queue, last_error says why); 'superseded' (a newer version went instead).
CREATE TABLE IF NOT EXISTS customer_outbox (
    delivery_id     INTEGER PRIMARY KEY,
    crm             TEXT NOT NULL,      -- 'hubspot', 'salesforce'
    customer_id     TEXT NOT NULL,
    version         INTEGER NOT NULL,   -- customer_versions.version
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL,   -- attempts made
    next_attempt_at TEXT NOT NULL,      -- UTC with milliseconds
    last_error      TEXT,               -- the last failure, the CRM's message
    remote_id       TEXT,               -- the CRM's record id, once delivered
    queued_at       TEXT NOT NULL,
    settled_at      TEXT,               -- delivered, dead or superseded at
    UNIQUE (crm, customer_id, version)
);

CREATE INDEX IF NOT EXISTS customer_outbox_due ON customer_outbox (crm, state, next_attempt_at);
-- A CRM's webhook names its record: the customer is the one delivered as it (docs/customers.md §11).
CREATE INDEX IF NOT EXISTS customer_outbox_by_record ON customer_outbox (crm, remote_id);
