-- status_stages: the one status vocabulary (docs/contract.md §2, "Status vocabulary"). Each known
-- status, lower-cased, whatever source sends it (POST / or a connector), names the lifecycle stage it
-- stands for; every lifecycle view reads stages from here instead of its own list of statuses.
-- A status not listed here has no stage: it is still counted under its own name everywhere.
--
-- Stages, in lifecycle order (position):
--   1 placed      the order exists, not yet paid or being worked on
--   2 processing  paid or being prepared
--   3 shipped     handed to the carrier (all or part of it)
--   4 delivered   received by the customer
--   5 cancelled   stopped before completion (a voided payment included)
--   6 refunded    money given back (in whole or in part)
--   7 returned    goods sent back
--
-- A table file runs again whenever its text changes (docs/contract.md §2, "Schema files"): the
-- DELETE then INSERT below make each run replace the vocabulary with exactly this list, so an edit
-- here, a removal included, takes effect at the next start (and running it twice changes nothing).
-- As SQLite's INSERT OR REPLACE, a status listed twice by mistake keeps its last line instead of
-- stopping startup: the list is read WITH ORDINALITY and DISTINCT ON keeps each status's last line
-- (an INSERT ... ON CONFLICT DO UPDATE would stop at a second line for the same status).
--
-- PostgreSQL dialect of sql/tables/status_stages.sql (docs/postgresql-dialect.md): the same rows;
-- position is bigint (SQLite's integers are 64-bit), text COLLATE "C".
CREATE TABLE IF NOT EXISTS status_stages (
    status   text COLLATE "C" PRIMARY KEY,  -- lower-cased, as orders_raw.order_status lower-cased
    stage    text COLLATE "C" NOT NULL,     -- one of the stages above
    position bigint NOT NULL,               -- the stage's place in the lifecycle (1 placed ... 7 returned)
    origin   text COLLATE "C" NOT NULL      -- who sends it: 'common' (what clients commonly send) or 'shopify'
);

DELETE FROM status_stages;

INSERT INTO status_stages (status, stage, position, origin)
SELECT DISTINCT ON (v.status) v.status, v.stage, v.position, v.origin
FROM unnest(ARRAY[
    -- Statuses order systems commonly send through POST /.
    ('new',                 'placed',     1, 'common'),
    ('placed',              'placed',     1, 'common'),
    ('created',             'placed',     1, 'common'),
    ('pending',             'placed',     1, 'common'),
    ('on-hold',             'placed',     1, 'common'),
    ('processing',          'processing', 2, 'common'),
    ('confirmed',           'processing', 2, 'common'),
    ('packed',              'processing', 2, 'common'),
    ('shipped',             'shipped',    3, 'common'),
    ('in_transit',          'shipped',    3, 'common'),
    ('delivered',           'delivered',  4, 'common'),
    ('completed',           'delivered',  4, 'common'),
    ('cancelled',           'cancelled',  5, 'common'),
    ('canceled',            'cancelled',  5, 'common'),
    ('failed',              'cancelled',  5, 'common'),
    ('refunded',            'refunded',   6, 'common'),
    ('returned',            'returned',   7, 'common'),
    -- Shopify, as its connector stores them (Sources/SyncCore/RecordMapping.swift, docs/providers.md §1):
    -- cancelled when cancelled_at is set; else refunded / partially_refunded / voided from
    -- financial_status; else fulfilled / partially_fulfilled from fulfillment_status; else the
    -- financial_status; else open.
    ('open',                'placed',     1, 'shopify'),
    ('authorized',          'placed',     1, 'shopify'),
    ('partially_paid',      'placed',     1, 'shopify'),
    ('paid',                'processing', 2, 'shopify'),
    ('partially_fulfilled', 'shipped',    3, 'shopify'),
    ('fulfilled',           'shipped',    3, 'shopify'),
    ('voided',              'cancelled',  5, 'shopify'),
    ('partially_refunded',  'refunded',   6, 'shopify')
]::status_stages[]) WITH ORDINALITY AS v (status, stage, position, origin, line)
ORDER BY v.status, v.line DESC;
