-- ordersync_project: keeps the projections (sql/postgresql/migrations/0001_order_projections.sql,
-- docs/projections.md) current inside the transaction that appended to orders_raw. ordersync_ingest
-- calls it with the versions it stored, so every instance sharing the database maintains them alike.
--
-- The rules are those of the SQLite engine's projector (Sources/OrderStore/Projector.swift,
-- OrderProjection.swift): for each touched order, what it contributed before this transaction (its
-- versions older than the first one appended now: orders_raw is append-only) and what it contributes
-- now are computed from its history, and the difference is applied: its own rows replaced, each
-- aggregate adjusted once per key for the whole group. Exact for versions that arrive out of event
-- order; the work follows the orders written, never the history.
--
-- Concurrency: ordersync_ingest holds a transaction-scoped advisory lock on the bucket of every order
-- it touches, so two transactions never project one order at once, and the second reads the first's committed
-- versions. The aggregate rows are upserted in key order, so two groups never deadlock on them.
-- Writers lock the progress row FOR SHARE, the backfill FOR UPDATE: a chunk waits for the writers
-- that read the old cursor, and a writer that comes later sees the new one.

-- The event time in SQLite's julianday milliseconds (sqlite_julianday_ms, fast for the form
-- ordersync stores), 0 where SQLite has no date: the SQLite engine's projector reads a NULL as 0
-- (Projector.history).
CREATE OR REPLACE FUNCTION ordersync_event_ms(t text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(sqlite_julianday_ms(t), 0)
$$;

-- Whole hours, rounded down (the medians' buckets; ProjectionDeltas.bucket).
CREATE OR REPLACE FUNCTION ordersync_hour_bucket(ms bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN ms >= 0 THEN ms / 3600000 ELSE -((-ms + 3599999) / 3600000) END
$$;

-- Projects the orders `p_ids` (distinct), each with the first seq this transaction appended to it
-- (`p_firsts`; 0 for an order the projections hold nothing of, as in the backfill).
CREATE OR REPLACE FUNCTION ordersync_project_orders(p_ids text[], p_firsts bigint[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    zk integer[];
    za text[];
    zb text[];
    zi bigint[];
    zj bigint[];
BEGIN
    WITH touched AS (
        SELECT t.id COLLATE "C" AS order_id, t.first FROM unnest(p_ids, p_firsts) AS t (id, first)
    ),
    history AS (
        -- The expressions of the *_scratch_v views, so both sides compute from identical values.
        SELECT o.order_id, o.seq, lower(o.order_status COLLATE "C") AS status,
               coalesce(o.updated_at, o.ingested_at) AS at,
               ordersync_event_ms(coalesce(o.updated_at, o.ingested_at)) AS ms,
               o.updated_at, coalesce(s.position, 0) AS position, t.first
        FROM touched AS t
        JOIN orders_raw AS o ON o.order_id = t.order_id
        LEFT JOIN status_stages AS s ON s.status = lower(o.order_status COLLATE "C")
    ),
    versions AS (
        -- gen 1: the order now; gen 0: the order before this transaction.
        SELECT 1 AS gen, h.* FROM history AS h
        UNION ALL
        SELECT 0 AS gen, h.* FROM history AS h WHERE h.seq < h.first
    ),
    state AS (
        SELECT v.order_id, v.gen,
               (array_agg(v.seq ORDER BY v.updated_at IS NULL, v.updated_at DESC, v.seq DESC))[1] AS latest_seq,
               min(v.seq) AS first_seq,
               (array_agg(v.seq ORDER BY v.at, v.seq))[1] AS earliest_seq,
               count(*) AS versions,
               min(v.at) AS first_at,
               max(v.at) AS last_at,
               (array_agg(v.status ORDER BY v.updated_at IS NULL, v.updated_at DESC, v.seq DESC))[1] AS status,
               (array_agg(v.at ORDER BY v.updated_at IS NULL, v.updated_at DESC, v.seq DESC))[1] AS latest_at,
               min(v.at) FILTER (WHERE v.position = 2) AS processing_at,
               min(v.at) FILTER (WHERE v.position = 3) AS shipped_at,
               min(v.at) FILTER (WHERE v.position = 4) AS delivered_at,
               (array_agg(v.ms ORDER BY v.at, v.seq))[1] AS first_ms,
               (array_agg(v.ms ORDER BY v.at, v.seq) FILTER (WHERE v.position = 2))[1] AS processing_ms,
               (array_agg(v.ms ORDER BY v.at, v.seq) FILTER (WHERE v.position = 3))[1] AS shipped_ms,
               (array_agg(v.ms ORDER BY v.at, v.seq) FILTER (WHERE v.position = 4))[1] AS delivered_ms
        FROM versions AS v
        GROUP BY v.order_id, v.gen
    ),
    stages AS (
        -- Each timed stage reached: ms from the order's first event to the version that reached it.
        SELECT s.order_id, s.gen, x.position, x.ms - s.first_ms AS ms
        FROM state AS s
        CROSS JOIN LATERAL (VALUES (2::bigint, s.processing_ms, s.processing_at),
                                   (3::bigint, s.shipped_ms, s.shipped_at),
                                   (4::bigint, s.delivered_ms, s.delivered_at)) AS x (position, ms, at)
        WHERE x.at IS NOT NULL
    ),
    moves AS (
        -- Consecutive versions in event order whose statuses differ; step = the later one's place (from 0).
        SELECT m.order_id, m.gen, m.from_status, m.status AS to_status, m.ms - m.from_ms AS ms, m.step
        FROM (
            SELECT v.order_id, v.gen, v.status, v.ms,
                   lag(v.status) OVER w AS from_status, lag(v.ms) OVER w AS from_ms,
                   row_number() OVER w - 1 AS step
            FROM versions AS v
            WINDOW w AS (PARTITION BY v.order_id, v.gen ORDER BY v.at, v.seq)
        ) AS m
        WHERE m.from_status IS NOT NULL AND m.from_status <> m.status
    ),
    days AS (
        -- The day each status was first entered.
        SELECT v.order_id, v.gen, substr(min(v.at), 1, 10) AS day, v.status
        FROM versions AS v
        GROUP BY v.order_id, v.gen, v.status
    ),
    contribution AS (
        SELECT s.gen, 1 AS kind, s.status AS a, ''::text AS b, 0::bigint AS i, 0::bigint AS j,
               0::bigint AS zeros, 0::bigint AS sum_ms
        FROM state AS s
        UNION ALL
        SELECT r.gen, 2, '', '', r.position, 0, (r.ms = 0)::integer, r.ms FROM stages AS r
        UNION ALL
        SELECT r.gen, 5, '', '', r.position, ordersync_hour_bucket(r.ms), 0, 0 FROM stages AS r WHERE r.ms <> 0
        UNION ALL
        SELECT m.gen, 3, m.from_status, m.to_status, 0, 0, 0, m.ms FROM moves AS m
        UNION ALL
        SELECT m.gen, 6, m.from_status, m.to_status, 0, ordersync_hour_bucket(m.ms), 0, 0 FROM moves AS m
        UNION ALL
        SELECT d.gen, 4, d.day, d.status, 0, 0, 0, 0 FROM days AS d
    ),
    delta AS (
        SELECT c.kind, c.a COLLATE "C" AS a, c.b COLLATE "C" AS b, c.i, c.j,
               sum(2 * c.gen - 1) AS count, sum((2 * c.gen - 1) * c.zeros) AS zeros,
               sum((2 * c.gen - 1) * c.sum_ms) AS sum_ms
        FROM contribution AS c
        GROUP BY c.kind, c.a, c.b, c.i, c.j
        HAVING sum(2 * c.gen - 1) <> 0 OR sum((2 * c.gen - 1) * c.zeros) <> 0 OR sum((2 * c.gen - 1) * c.sum_ms) <> 0
    ),
    write_state AS (
        INSERT INTO order_state AS o (order_id, latest_seq, first_seq, earliest_seq, versions, first_at, last_at,
                                      status, latest_at, processing_at, shipped_at, delivered_at)
        SELECT s.order_id, s.latest_seq, s.first_seq, s.earliest_seq, s.versions, s.first_at, s.last_at,
               s.status, s.latest_at, s.processing_at, s.shipped_at, s.delivered_at
        FROM state AS s WHERE s.gen = 1
        ORDER BY s.order_id
        ON CONFLICT (order_id) DO UPDATE SET
            latest_seq = excluded.latest_seq, first_seq = excluded.first_seq, earliest_seq = excluded.earliest_seq,
            versions = excluded.versions, first_at = excluded.first_at, last_at = excluded.last_at,
            status = excluded.status, latest_at = excluded.latest_at, processing_at = excluded.processing_at,
            shipped_at = excluded.shipped_at, delivered_at = excluded.delivered_at
    ),
    drop_stages AS (
        DELETE FROM stage_time AS d
        USING (SELECT r.position, r.ms, r.order_id FROM stages AS r WHERE r.gen = 0 AND r.ms <> 0
               EXCEPT SELECT r.position, r.ms, r.order_id FROM stages AS r WHERE r.gen = 1 AND r.ms <> 0) AS x
        WHERE d.position = x.position AND d.ms = x.ms AND d.order_id = x.order_id
    ),
    add_stages AS (
        INSERT INTO stage_time (position, ms, order_id)
        SELECT r.position, r.ms, r.order_id FROM stages AS r WHERE r.gen = 1 AND r.ms <> 0
        EXCEPT SELECT r.position, r.ms, r.order_id FROM stages AS r WHERE r.gen = 0 AND r.ms <> 0
    ),
    drop_moves AS (
        DELETE FROM transition_time AS d
        USING (SELECT m.from_status, m.to_status, m.ms, m.order_id, m.step FROM moves AS m WHERE m.gen = 0
               EXCEPT SELECT m.from_status, m.to_status, m.ms, m.order_id, m.step FROM moves AS m WHERE m.gen = 1) AS x
        WHERE d.from_status = x.from_status AND d.to_status = x.to_status AND d.ms = x.ms
          AND d.order_id = x.order_id AND d.step = x.step
    ),
    add_moves AS (
        INSERT INTO transition_time (from_status, to_status, ms, order_id, step)
        SELECT m.from_status, m.to_status, m.ms, m.order_id, m.step FROM moves AS m WHERE m.gen = 1
        EXCEPT SELECT m.from_status, m.to_status, m.ms, m.order_id, m.step FROM moves AS m WHERE m.gen = 0
    ),
    counted AS (
        INSERT INTO projection_count AS p (kind, a, b, i, j, count, zeros, sum_ms)
        SELECT d.kind, d.a, d.b, d.i, d.j, d.count, d.zeros, d.sum_ms FROM delta AS d
        ORDER BY d.kind, d.a, d.b, d.i, d.j
        ON CONFLICT (kind, a, b, i, j) DO UPDATE SET
            count = p.count + excluded.count, zeros = p.zeros + excluded.zeros, sum_ms = p.sum_ms + excluded.sum_ms
        RETURNING p.kind, p.a, p.b, p.i, p.j, p.count
    )
    SELECT array_agg(c.kind), array_agg(c.a), array_agg(c.b), array_agg(c.i), array_agg(c.j)
    INTO zk, za, zb, zi, zj
    FROM counted AS c WHERE c.count = 0;
    -- The views never show empty groups: a count that reached 0 goes.
    IF zk IS NOT NULL THEN
        DELETE FROM projection_count AS p
        USING unnest(zk, za, zb, zi, zj) AS z (kind, a, b, i, j)
        WHERE p.kind = z.kind AND p.a = z.a COLLATE "C" AND p.b = z.b COLLATE "C" AND p.i = z.i AND p.j = z.j
          AND p.count = 0;
    END IF;
END;
$$;

-- The common case of a load, set apart because it is much cheaper: orders new in this transaction
-- with one version each (ordersync_ingest's set-based path), `p_seqs` their versions. Nothing to
-- retract and no history to read: each gives its order_state row, its current status, the day it
-- entered that status, and the stage it reached at its first event (0 ms: a count and a zero, no
-- stage_time row), exactly what ordersync_project_orders computes for them (Projector.addSingle).
CREATE OR REPLACE FUNCTION ordersync_project_new(p_seqs bigint[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    WITH single AS (
        SELECT o.order_id, o.seq, lower(o.order_status COLLATE "C") AS status,
               coalesce(o.updated_at, o.ingested_at) AS at, coalesce(s.position, 0) AS position
        FROM unnest(p_seqs) AS u (seq)
        JOIN orders_raw AS o ON o.seq = u.seq
        LEFT JOIN status_stages AS s ON s.status = lower(o.order_status COLLATE "C")
    ),
    write_state AS (
        INSERT INTO order_state (order_id, latest_seq, first_seq, earliest_seq, versions, first_at, last_at,
                                 status, latest_at, processing_at, shipped_at, delivered_at)
        SELECT n.order_id, n.seq, n.seq, n.seq, 1, n.at, n.at, n.status, n.at,
               CASE WHEN n.position = 2 THEN n.at END, CASE WHEN n.position = 3 THEN n.at END,
               CASE WHEN n.position = 4 THEN n.at END
        FROM single AS n
        ORDER BY n.order_id
    ),
    delta AS (
        SELECT 1 AS kind, n.status AS a, ''::text AS b, 0::bigint AS i, count(*) AS count, 0::bigint AS zeros
        FROM single AS n GROUP BY n.status
        UNION ALL
        SELECT 4, substr(n.at, 1, 10), n.status, 0, count(*), 0 FROM single AS n GROUP BY 2, 3
        UNION ALL
        SELECT 2, '', '', n.position, count(*), count(*) FROM single AS n WHERE n.position BETWEEN 2 AND 4 GROUP BY 4
    )
    INSERT INTO projection_count AS p (kind, a, b, i, j, count, zeros, sum_ms)
    SELECT d.kind, d.a COLLATE "C", d.b COLLATE "C", d.i, 0, d.count, d.zeros, 0 FROM delta AS d
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (kind, a, b, i, j) DO UPDATE SET count = p.count + excluded.count, zeros = p.zeros + excluded.zeros;
END;
$$;

-- Called by ordersync_ingest with the versions it stored (their order ids and seqs); the first
-- `p_new` are versions of orders new in this transaction, one each. Orders the backfill has not
-- reached yet are left to it; nothing happens on a database without the projections (a SQL directory
-- without the migration).
CREATE OR REPLACE FUNCTION ordersync_project(p_ids text[], p_seqs bigint[], p_new integer DEFAULT 0) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    scope_cursor text;
    scope_complete boolean;
    ids text[];
    firsts bigint[];
BEGIN
    IF coalesce(cardinality(p_ids), 0) = 0 OR to_regclass('projection_progress') IS NULL THEN
        RETURN;
    END IF;
    SELECT p.cursor, p.complete INTO scope_cursor, scope_complete
    FROM projection_progress AS p WHERE p.id = 1 FOR SHARE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF scope_complete AND p_new = cardinality(p_ids) THEN
        PERFORM ordersync_project_new(p_seqs);
        RETURN;
    END IF;
    SELECT array_agg(t.id), array_agg(t.first) INTO ids, firsts
    FROM (SELECT u.id COLLATE "C" AS id, min(u.seq) AS first FROM unnest(p_ids, p_seqs) AS u (id, seq) GROUP BY u.id) AS t
    WHERE scope_complete OR t.id <= scope_cursor COLLATE "C";
    IF ids IS NOT NULL THEN
        PERFORM ordersync_project_orders(ids, firsts);
    END IF;
END;
$$;

-- One chunk of the backfill: projects the next `p_limit` orders after the cursor, with their whole
-- history, and moves the cursor; marks the projections complete once no order is left. One
-- transaction per call (the caller's statement), so a killed process resumes at the last chunk. The
-- answer: where the backfill stands after it; no row when the database has no projections.
CREATE OR REPLACE FUNCTION ordersync_project_backfill(p_limit integer, p_now text)
RETURNS TABLE (complete boolean, orders bigint, cursor text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    ids text[];
BEGIN
    SELECT p.complete, p.orders, p.cursor INTO complete, orders, cursor
    FROM projection_progress AS p WHERE p.id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF NOT complete THEN
        ids := ARRAY(
            SELECT o.order_id FROM orders_raw AS o WHERE o.order_id > cursor COLLATE "C"
            GROUP BY o.order_id ORDER BY o.order_id LIMIT greatest(p_limit, 1));
        IF cardinality(ids) > 0 THEN
            PERFORM ordersync_project_orders(ids, array_fill(0::bigint, ARRAY[cardinality(ids)]));
            cursor := ids[cardinality(ids)];
            orders := orders + cardinality(ids);
        END IF;
        -- Fewer than asked: none is left. An order stored meanwhile by a writer that waits for this
        -- row is projected by that writer, which will see the projections complete.
        complete := cardinality(ids) < greatest(p_limit, 1);
        UPDATE projection_progress AS p
        SET cursor = ordersync_project_backfill.cursor, orders = ordersync_project_backfill.orders,
            complete = ordersync_project_backfill.complete, updated_at = p_now
        WHERE p.id = 1;
    END IF;
    RETURN NEXT;
END;
$$;

-- At every start, inside the transaction that applies the SQL files (Sources/PostgresStore/PostgresSchema.swift):
-- writes the progress row when it is missing and starts the backfill over (emptied projections,
-- cursor '') when the status vocabulary, or the projections' version, differs from the one they were
-- built with; `p_force` starts it over regardless (after `ordersync copy` wrote orders_raw directly).
-- The fingerprint is the SQLite engine's (Projector+Backfill.swift).
CREATE OR REPLACE FUNCTION ordersync_projection_prepare(p_now text, p_force boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    fingerprint text;
    recorded text;
BEGIN
    IF to_regclass('projection_progress') IS NULL THEN
        RETURN;
    END IF;
    fingerprint := 'v1;' || coalesce(
        (SELECT string_agg(s.status || '=' || s.position, ',' ORDER BY s.status COLLATE "C") FROM status_stages AS s), '');
    SELECT p.vocabulary INTO recorded FROM projection_progress AS p WHERE p.id = 1 FOR UPDATE;
    IF p_force OR recorded IS DISTINCT FROM fingerprint THEN
        TRUNCATE order_state, projection_count, stage_time, transition_time;
        INSERT INTO projection_progress AS p (id, cursor, complete, vocabulary, orders, started_at, updated_at)
        VALUES (1, '', NOT EXISTS (SELECT 1 FROM orders_raw), fingerprint, 0, p_now, p_now)
        ON CONFLICT (id) DO UPDATE SET cursor = '', complete = excluded.complete, vocabulary = excluded.vocabulary,
            orders = 0, started_at = excluded.started_at, updated_at = excluded.updated_at;
    END IF;
END;
$$;
