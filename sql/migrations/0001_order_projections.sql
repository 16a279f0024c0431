-- 0001_order_projections: the projections behind GET / and the lifecycle views (docs/projections.md).
-- They hold what the reads need, kept current by the writer inside the transaction that appends to
-- orders_raw (Sources/OrderStore/Projector.swift), so a read costs the size of its answer, not of the
-- history. Every row here is derived from orders_raw and the status vocabulary: nothing is lost by
-- rebuilding them, which the service does itself (a resumable backfill) on a database whose
-- projections are missing or were built with another vocabulary.
--
-- IF NOT EXISTS: a database whose migration record was lost (docs/migrations.md) runs it again.
--
-- Durations are integer milliseconds between two event times (updated_at, else ingested_at), so
-- sums, averages and medians are exact and equal a recomputation (the *_scratch_v views) bit for bit.

-- One row per order.
CREATE TABLE IF NOT EXISTS order_state (
    order_id      TEXT PRIMARY KEY,
    latest_seq    INTEGER NOT NULL,  -- the latest version (docs/contract.md §2)
    first_seq     INTEGER NOT NULL,  -- the first version to arrive (min seq)
    earliest_seq  INTEGER NOT NULL,  -- the first version in event order (event time, then seq)
    versions      INTEGER NOT NULL,
    first_at      TEXT NOT NULL,     -- min event time
    last_at       TEXT NOT NULL,     -- max event time
    status        TEXT NOT NULL,     -- the latest version's status, lower-cased
    latest_at     TEXT NOT NULL,     -- the latest version's event time
    processing_at TEXT,              -- min event time of a status of that stage (sql/tables/status_stages.sql)
    shipped_at    TEXT,
    delivered_at  TEXT
) WITHOUT ROWID;

-- recent_orders_v: newest change first is a walk down this index.
CREATE INDEX IF NOT EXISTS order_state_by_latest_at ON order_state (latest_at, latest_seq);

-- Every count the aggregate views read, in one table: a commit adds to a few of its rows, and rows
-- written together sit together (kind first), so a commit of a few orders writes one or two pages of
-- it, not one per aggregate (the WAL frames of small commits: bench/RESULTS.md, "After issue 10").
--   kind 1  current status      a = status                       count = orders
--   kind 2  stage reached       i = position (2 processing, 3 shipped, 4 delivered)
--                               count = orders that reached it, zeros = of those at their first event
--                               (no stage_time row: see below), sum_ms = total ms from the first event
--   kind 3  status transition   a = from status, b = to status   count = moves, sum_ms = their total ms
--   kind 4  day and status      a = UTC day, b = status          count = orders that entered it that day
--   kind 5  stage hour bucket   i = position, j = ms / 3600000   count = stage_time rows in it
--   kind 6  transition bucket   a = from, b = to, j = ms / 3600000   count = transition_time rows in it
-- Hour buckets let a median walk a few counts and then one hour's entries. A row whose count reaches 0
-- is deleted.
CREATE TABLE IF NOT EXISTS projection_count (
    kind   INTEGER NOT NULL,
    a      TEXT NOT NULL DEFAULT '',
    b      TEXT NOT NULL DEFAULT '',
    i      INTEGER NOT NULL DEFAULT 0,
    j      INTEGER NOT NULL DEFAULT 0,
    count  INTEGER NOT NULL,
    zeros  INTEGER NOT NULL DEFAULT 0,
    sum_ms INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, a, b, i, j)
) WITHOUT ROWID;

-- Per order and stage reached (2 processing, 3 shipped, 4 delivered) later than its first event: ms
-- from that event. The key order makes "the k-th smallest of a stage" an index walk (medians). A
-- stage reached at the first event (0 ms) has no row: projection_count kind 2 counts those (zeros).
CREATE TABLE IF NOT EXISTS stage_time (
    position INTEGER NOT NULL,
    ms       INTEGER NOT NULL,
    order_id TEXT NOT NULL,
    PRIMARY KEY (position, ms, order_id)
) WITHOUT ROWID;

-- Per order, each move between two consecutive versions in event order whose statuses differ.
CREATE TABLE IF NOT EXISTS transition_time (
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    ms          INTEGER NOT NULL,
    order_id    TEXT NOT NULL,
    step        INTEGER NOT NULL,  -- the position of the move in the order's event order
    PRIMARY KEY (from_status, to_status, ms, order_id, step)
) WITHOUT ROWID;

-- The backfill's position: orders with order_id <= cursor are projected (all of them once complete);
-- vocabulary is the status vocabulary the projections were built with. No row yet: the service
-- writes it at its next start (Sources/OrderStore/Projector+Backfill.swift).
CREATE TABLE IF NOT EXISTS projection_progress (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    cursor     TEXT NOT NULL,
    complete   INTEGER NOT NULL,
    vocabulary TEXT NOT NULL,
    orders     INTEGER NOT NULL,  -- orders projected by the backfill so far (for the log)
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- order_state_by_latest_at replaces it (sql/tables/orders_raw.sql): one index less on every append.
DROP INDEX IF EXISTS orders_raw_by_event_time;
