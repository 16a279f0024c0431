-- 0001_order_projections: PostgreSQL dialect of sql/migrations/0001_order_projections.sql, the
-- projections behind GET / and the lifecycle views (docs/projections.md): the same tables, columns and
-- meaning. They are kept current inside the transaction that appends to orders_raw, by
-- ordersync_project (sql/postgresql/functions/ordersync_project.sql), which ordersync_ingest calls for
-- every instance that shares the database; a database made before them, or whose status vocabulary
-- changed, is backfilled in resumable chunks (ordersync_project_backfill).
--
-- Differences from SQLite's file, and why: text columns are COLLATE "C" (SQLite's byte order, as in
-- sql/postgresql/tables/orders_raw.sql); integers are bigint; `complete` is a boolean; no WITHOUT
-- ROWID (a primary key is an index beside the heap here). projection_count keeps free space on its
-- pages (fillfactor) because every commit updates a few of its rows: an update that stays on its page
-- touches no index (a HOT update).

CREATE TABLE IF NOT EXISTS order_state (
    order_id      text COLLATE "C" PRIMARY KEY,
    latest_seq    bigint NOT NULL,           -- the latest version (docs/contract.md §2)
    first_seq     bigint NOT NULL,           -- the first version to arrive (min seq)
    earliest_seq  bigint NOT NULL,           -- the first version in event order (event time, then seq)
    versions      bigint NOT NULL,
    first_at      text COLLATE "C" NOT NULL, -- min event time
    last_at       text COLLATE "C" NOT NULL, -- max event time
    status        text COLLATE "C" NOT NULL, -- the latest version's status, lower-cased (ASCII)
    latest_at     text COLLATE "C" NOT NULL, -- the latest version's event time
    processing_at text COLLATE "C",          -- min event time of a status of that stage
    shipped_at    text COLLATE "C",
    delivered_at  text COLLATE "C"
);

-- recent_orders_v: newest change first is a walk down this index.
CREATE INDEX IF NOT EXISTS order_state_by_latest_at ON order_state (latest_at, latest_seq);

-- The kinds are those of SQLite's file:
--   1 current status (a)  2 stage reached (i)  3 transition (a → b)  4 day (a) and status (b)
--   5 stage hour bucket (i, j)  6 transition hour bucket (a, b, j)
CREATE TABLE IF NOT EXISTS projection_count (
    kind   integer NOT NULL,
    a      text COLLATE "C" NOT NULL DEFAULT '',
    b      text COLLATE "C" NOT NULL DEFAULT '',
    i      bigint NOT NULL DEFAULT 0,
    j      bigint NOT NULL DEFAULT 0,
    count  bigint NOT NULL,
    zeros  bigint NOT NULL DEFAULT 0,
    sum_ms bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, a, b, i, j)
) WITH (fillfactor = 50);

CREATE TABLE IF NOT EXISTS stage_time (
    position bigint NOT NULL,
    ms       bigint NOT NULL,
    order_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (position, ms, order_id)
);

CREATE TABLE IF NOT EXISTS transition_time (
    from_status text COLLATE "C" NOT NULL,
    to_status   text COLLATE "C" NOT NULL,
    ms          bigint NOT NULL,
    order_id    text COLLATE "C" NOT NULL,
    step        bigint NOT NULL,
    PRIMARY KEY (from_status, to_status, ms, order_id, step)
);

-- The backfill's position: orders with order_id <= cursor (byte order) are projected, all of them
-- once complete. Writers lock this row FOR SHARE and the backfill FOR UPDATE, so a chunk never misses
-- a version a writer appended to an order the chunk projects (sql/postgresql/functions/ordersync_project.sql).
CREATE TABLE IF NOT EXISTS projection_progress (
    id         integer PRIMARY KEY CHECK (id = 1),
    cursor     text COLLATE "C" NOT NULL,
    complete   boolean NOT NULL,
    vocabulary text COLLATE "C" NOT NULL,
    orders     bigint NOT NULL,
    started_at text COLLATE "C" NOT NULL,
    updated_at text COLLATE "C" NOT NULL
);

-- order_state_by_latest_at replaces it (sql/postgresql/tables/orders_raw.sql no longer makes it): one
-- index less on every append.
DROP INDEX IF EXISTS orders_raw_by_event_time;
