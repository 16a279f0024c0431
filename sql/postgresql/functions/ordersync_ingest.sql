-- The rank of a source in SOURCE_PRIORITY (docs/contract.md §2, "Sources in conflict"), read from the
-- session setting ordersync.source_priority that every ordersync connection sets
-- (Sources/PostgresStore/PostgresStore.swift, connect); lower ranks first, unlisted sources after
-- every listed one. The default list is SourcePriority.standard (Sources/OrderCore/SourcePriority.swift).
CREATE OR REPLACE FUNCTION ordersync_source_priority() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('ordersync.source_priority', true), ''), 'debezium,shopify,woocommerce,api')
$$;

CREATE OR REPLACE FUNCTION ordersync_source_rank(p_source text) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_position(l.sources, p_source), cardinality(l.sources) + 1)
    FROM (SELECT string_to_array(ordersync_source_priority(), ',') AS sources) AS l
$$;

-- ordersync_ingest: appends one group of order versions (the writer's group commit: many requests,
-- one transaction) by the rules of docs/contract.md §2, in one round trip, and returns the versions it
-- stored: their place in the arrays (`item`, from 1), their seq, and whether the order was new.
--
-- A version is not stored again when its order already has a version with the same updated_at from
-- the same source or with the same content (another source's other content at that time is stored only
-- when that source ranks higher in SOURCE_PRIORITY), or when it equals the order's latest version byte
-- for byte (latest: the greatest updated_at among versions that carry one, ties by seq; else the
-- greatest seq); conflicts between sources go to conflict_log. The same rules as the SQLite engine
-- (Sources/OrderStore/OrderWriter.swift, WriterStatements), here enforced by the database for every
-- instance that shares it: each order is locked first (a transaction-scoped advisory lock on its id's
-- bucket, taken in one sorted order so two groups never deadlock), so two instances posting the same order at
-- once serialize on it, and the second sees the first's version once it commits (READ COMMITTED takes
-- a fresh snapshot for every statement of this VOLATILE function). A group of new orders only takes
-- those locks shared and meets a group with the same new order on order_state's primary key instead
-- (below), so bulk loads of new orders run side by side. The projections are brought up to date in the
-- same transaction (ordersync_project.sql), under the same locks.
CREATE OR REPLACE FUNCTION ordersync_ingest(
    p_order_ids text[], p_order_dates text[], p_statuses text[], p_details text[], p_updated_ats text[],
    p_sources text[], p_payloads text[], p_ingested_at text
) RETURNS TABLE (item integer, seq bigint, is_new boolean)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n integer := coalesce(array_length(p_order_ids, 1), 0);
    known boolean;
    latest text;
    latest_at text;
    latest_source text;
    other_source text;
    other_payload text;
    mine integer;
    theirs integer;
    stored bigint;
    fresh integer[];
    i integer;
    -- What was stored, for the projections (sql/postgresql/functions/ordersync_project.sql).
    stored_ids text[];
    stored_seqs bigint[];
    scope_complete boolean;
    done boolean := false;
    dk integer[];
    da text[];
    db text[];
    di bigint[];
    dc bigint[];
    dz bigint[];
BEGIN
    IF array_length(p_order_dates, 1) IS DISTINCT FROM array_length(p_order_ids, 1)
        OR array_length(p_statuses, 1) IS DISTINCT FROM array_length(p_order_ids, 1)
        OR array_length(p_details, 1) IS DISTINCT FROM array_length(p_order_ids, 1)
        OR array_length(p_updated_ats, 1) IS DISTINCT FROM array_length(p_order_ids, 1)
        OR array_length(p_sources, 1) IS DISTINCT FROM array_length(p_order_ids, 1)
        OR array_length(p_payloads, 1) IS DISTINCT FROM array_length(p_order_ids, 1) THEN
        RAISE EXCEPTION 'ordersync_ingest: the arrays differ in length' USING ERRCODE = '22023';
    END IF;
    -- A group of new orders only (a bulk load: no id repeated in it, none stored yet), on a database
    -- whose projections are complete, goes in optimistically under SHARED bucket locks, so that such
    -- groups run side by side; every other group takes them EXCLUSIVE (below), so it never runs beside
    -- one that shares a bucket with it. Two such groups that hold the same new order meet on order_state's
    -- primary key (every stored order has its row there while the projections are complete): the
    -- second waits for the first, and when it commits gets a unique violation. Then, as when an order
    -- turns out to be stored already, this block is rolled back (its rows, and its shared locks: locks
    -- taken in a rolled-back subtransaction are released, so no lock is ever upgraded) and the group
    -- takes the general path, which compares it with what the other stored; so does a group holding an
    -- order stored long before, whose order_state row makes it fail the same way, and a group that holds
    -- one new order twice (its second order_state row fails): no sort of the ids tells those apart
    -- beforehand. order_state rows go in in order_id order and the counts in a later statement in key
    -- order, so two such groups never wait for each other in a cycle.
    IF n > 0 AND to_regclass('projection_progress') IS NOT NULL THEN
        BEGIN
            PERFORM pg_advisory_xact_lock_shared(1869767251, k)
            FROM (SELECT DISTINCT hashtext(id) & 255 AS k FROM unnest(p_order_ids) AS id ORDER BY 1) AS keys;
            SELECT p.complete INTO scope_complete FROM projection_progress AS p WHERE p.id = 1 FOR SHARE;
            -- Only the group's first orders are looked up: a stored order further on is met on
            -- order_state's primary key (below), which rolls this block back too. Looking up every order
            -- was 5 % of all CPU in a profile of bench/run's (pa), a bulk load of new orders; a group of
            -- stored orders (a client's retry, a sync of changes) is still told by its first ones.
            IF NOT FOUND OR NOT scope_complete OR EXISTS (
                SELECT 1 FROM unnest(p_order_ids[1:8]) AS u (id) WHERE EXISTS (SELECT 1 FROM orders_raw AS o WHERE o.order_id = u.id)
            ) THEN
                RAISE EXCEPTION USING ERRCODE = 'OS001';  -- not for this path: roll the block back
            END IF;
            -- Appended, and written to order_state as ordersync_project_new would (ordersync_project.sql),
            -- from the values just inserted instead of reading them back.
            WITH stored AS (
                INSERT INTO orders_raw (order_id, order_date, order_status, order_details, updated_at, ingested_at, source, payload)
                SELECT g.id, g.order_date, g.status, g.details, g.updated_at, p_ingested_at, g.source, g.payload
                FROM unnest(p_order_ids, p_order_dates, p_statuses, p_details, p_updated_ats, p_sources, p_payloads)
                     WITH ORDINALITY AS g (id, order_date, status, details, updated_at, source, payload, item)
                ORDER BY g.item
                RETURNING orders_raw.order_id, orders_raw.seq, orders_raw.order_status, orders_raw.updated_at, orders_raw.ingested_at
            ),
            write_state AS (
                INSERT INTO order_state (order_id, latest_seq, first_seq, earliest_seq, versions, first_at, last_at,
                                         status, latest_at, processing_at, shipped_at, delivered_at)
                SELECT o.order_id, o.seq, o.seq, o.seq, 1, x.at, x.at, x.status, x.at,
                       CASE WHEN s.position = 2 THEN x.at END, CASE WHEN s.position = 3 THEN x.at END,
                       CASE WHEN s.position = 4 THEN x.at END
                FROM stored AS o
                CROSS JOIN LATERAL (SELECT lower(o.order_status COLLATE "C") AS status,
                                           coalesce(o.updated_at, o.ingested_at) AS at) AS x
                LEFT JOIN status_stages AS s ON s.status = x.status
                ORDER BY o.order_id
            ),
            -- The counts from a few rows (one per status as sent and day), not one per order.
            grouped AS (
                SELECT lower(g.order_status COLLATE "C") AS status, g.day, g.count, coalesce(s.position, 0) AS position
                FROM (SELECT o.order_status, substr(coalesce(o.updated_at, o.ingested_at), 1, 10) AS day, count(*) AS count
                      FROM stored AS o GROUP BY 1, 2) AS g
                LEFT JOIN status_stages AS s ON s.status = lower(g.order_status COLLATE "C")
            ),
            delta AS (
                SELECT 1 AS kind, g.status AS a, ''::text AS b, 0::bigint AS i, sum(g.count)::bigint AS count, 0::bigint AS zeros
                FROM grouped AS g GROUP BY g.status
                UNION ALL
                SELECT 4, g.day, g.status, 0, sum(g.count)::bigint, 0 FROM grouped AS g GROUP BY g.day, g.status
                UNION ALL
                SELECT 2, '', '', g.position, sum(g.count)::bigint, sum(g.count)::bigint FROM grouped AS g
                WHERE g.position BETWEEN 2 AND 4 GROUP BY g.position
            )
            -- Every item was stored, each with a seq drawn in item order (the INSERT's ORDER BY g.item):
            -- the answer is the seqs in order, no join of the ids back to their places.
            SELECT r.seqs, c.dk, c.da, c.db, c.di, c.dc, c.dz
            FROM (SELECT array_agg(o.seq ORDER BY o.seq) AS seqs FROM stored AS o) AS r,
                 (SELECT array_agg(d.kind) AS dk, array_agg(d.a) AS da, array_agg(d.b) AS db, array_agg(d.i) AS di,
                         array_agg(d.count) AS dc, array_agg(d.zeros) AS dz FROM delta AS d) AS c
            INTO stored_seqs, dk, da, db, di, dc, dz;
            INSERT INTO projection_count AS p (kind, a, b, i, j, count, zeros, sum_ms)
            SELECT d.kind, d.a COLLATE "C", d.b COLLATE "C", d.i, 0, d.count, d.zeros, 0
            FROM unnest(dk, da, db, di, dc, dz) AS d (kind, a, b, i, count, zeros)
            ORDER BY 1, 2, 3, 4
            ON CONFLICT ON CONSTRAINT projection_count_pkey DO UPDATE
            SET count = p.count + excluded.count, zeros = p.zeros + excluded.zeros;
            done := true;
        EXCEPTION WHEN unique_violation OR SQLSTATE 'OS001' THEN
            NULL;  -- rolled back: the general path
        END;
        IF done THEN
            RETURN QUERY SELECT s.item::integer, s.seq, true FROM unnest(stored_seqs) WITH ORDINALITY AS s (seq, item);
            RETURN;
        END IF;
    END IF;
    -- Class 1869767251 ('ords') keeps these locks apart from the sync lock's (docs/postgresql.md). One
    -- lock per bucket of order ids (256 buckets), not per order: PostgreSQL's lock table is shared by
    -- every session and small (max_locks_per_transaction × max_connections: 6,400 by default), and a
    -- group may hold 100,000 orders. Groups whose orders share a bucket take turns, which the
    -- projections' shared counts (ordersync_project.sql) make them do anyway.
    PERFORM pg_advisory_xact_lock(1869767251, k)
    FROM (SELECT DISTINCT hashtext(id) & 255 AS k FROM unnest(p_order_ids) AS id ORDER BY 1) AS keys;
    -- Fast path, set-based: a version whose order is not stored yet and appears once in the group
    -- has nothing to be compared with, so all of them go in with one INSERT (a bulk load of new orders
    -- is mostly these). Their seqs come before the rest of the group's: seq orders the versions of
    -- one order, and no order has versions on both paths.
    fresh := ARRAY(
        SELECT min(g.item) FROM unnest(p_order_ids) WITH ORDINALITY AS g (id, item)
        WHERE NOT EXISTS (SELECT 1 FROM orders_raw AS o WHERE o.order_id = g.id)
        GROUP BY g.id HAVING count(*) = 1 ORDER BY 1);
    WITH stored AS (
        INSERT INTO orders_raw (order_id, order_date, order_status, order_details, updated_at, ingested_at, source, payload)
        SELECT g.id, g.order_date, g.status, g.details, g.updated_at, p_ingested_at, g.source, g.payload
        FROM unnest(p_order_ids, p_order_dates, p_statuses, p_details, p_updated_ats, p_sources, p_payloads)
             WITH ORDINALITY AS g (id, order_date, status, details, updated_at, source, payload, item)
        WHERE g.item IN (SELECT f.item FROM unnest(fresh) AS f (item))
        ORDER BY g.item
        RETURNING orders_raw.order_id, orders_raw.seq
    )
    SELECT coalesce(array_agg(s.order_id), '{}'), coalesce(array_agg(s.seq), '{}') INTO stored_ids, stored_seqs
    FROM stored AS s;
    RETURN QUERY
    SELECT g.item::integer, s.seq, true
    FROM unnest(stored_ids, stored_seqs) AS s (id, seq)
    JOIN unnest(p_order_ids) WITH ORDINALITY AS g (id, item) ON g.id = s.id;
    -- The rest one by one, in the group's order: each may meet a version stored just before it.
    FOR i IN SELECT r.i FROM (SELECT generate_series(1, n) EXCEPT SELECT unnest(fresh)) AS r (i) ORDER BY 1 LOOP
        known := EXISTS (SELECT 1 FROM orders_raw AS o WHERE o.order_id = p_order_ids[i]);
        -- VersionRule (Sources/OrderCore/VersionRule.swift), the same decisions and the same
        -- conflict_log rows as the SQLite engine.
        IF known THEN
            other_source := NULL;
            IF p_updated_ats[i] IS NOT NULL THEN
                SELECT o.source, o.payload INTO other_source, other_payload FROM orders_raw AS o
                WHERE o.order_id = p_order_ids[i] AND o.updated_at = p_updated_ats[i]
                ORDER BY o.seq DESC LIMIT 1;
            END IF;
            IF other_source IS NOT NULL THEN
                -- The same content, or the same source at the same event time: the same event again.
                IF other_payload = p_payloads[i] OR other_source = p_sources[i] THEN
                    CONTINUE;
                END IF;
                mine := ordersync_source_rank(p_sources[i]);
                theirs := ordersync_source_rank(other_source);
                INSERT INTO conflict_log (entity, kind, winner_source, loser_source, resolution, event_time,
                                          winner_time, details, logged_at)
                VALUES (p_order_ids[i], 'same_time',
                        CASE WHEN mine < theirs THEN p_sources[i] ELSE other_source END,
                        CASE WHEN mine < theirs THEN other_source ELSE p_sources[i] END,
                        CASE WHEN mine = theirs THEN 'first_stored' ELSE 'priority' END,
                        p_updated_ats[i], p_updated_ats[i],
                        CASE WHEN mine = theirs
                             THEN format('%s and %s rank alike in SOURCE_PRIORITY: the version stored first stands',
                                         p_sources[i], other_source)
                             ELSE format('%s ranks above %s in SOURCE_PRIORITY (%s)',
                                         CASE WHEN mine < theirs THEN p_sources[i] ELSE other_source END,
                                         CASE WHEN mine < theirs THEN other_source ELSE p_sources[i] END,
                                         ordersync_source_priority()) END,
                        p_ingested_at);
                IF mine >= theirs THEN
                    CONTINUE;
                END IF;
            ELSE
                SELECT o.payload, o.updated_at, o.source INTO latest, latest_at, latest_source FROM orders_raw AS o
                WHERE o.order_id = p_order_ids[i] AND o.updated_at IS NOT NULL
                ORDER BY o.updated_at DESC, o.seq DESC LIMIT 1;
                IF NOT FOUND THEN
                    SELECT o.payload, o.updated_at, o.source INTO latest, latest_at, latest_source FROM orders_raw AS o
                    WHERE o.order_id = p_order_ids[i] AND o.updated_at IS NULL
                    ORDER BY o.seq DESC LIMIT 1;
                END IF;
                IF latest = p_payloads[i] THEN
                    CONTINUE;
                END IF;
                IF p_updated_ats[i] IS NOT NULL AND latest_at IS NOT NULL
                    AND latest_at > p_updated_ats[i] COLLATE "C" AND latest_source <> p_sources[i] THEN
                    INSERT INTO conflict_log (entity, kind, winner_source, loser_source, resolution, event_time,
                                              winner_time, details, logged_at)
                    VALUES (p_order_ids[i], 'late', latest_source, p_sources[i], 'kept_in_history', p_updated_ats[i],
                            latest_at,
                            format('%s''s version of %s is older than %s''s latest of %s: stored in history, the latest stands',
                                   p_sources[i], p_updated_ats[i], latest_source, latest_at),
                            p_ingested_at);
                END IF;
            END IF;
        END IF;
        INSERT INTO orders_raw (order_id, order_date, order_status, order_details, updated_at, ingested_at, source, payload)
        VALUES (p_order_ids[i], p_order_dates[i], p_statuses[i], p_details[i], p_updated_ats[i], p_ingested_at,
                p_sources[i], p_payloads[i])
        RETURNING orders_raw.seq INTO stored;
        stored_ids := stored_ids || p_order_ids[i];
        stored_seqs := stored_seqs || stored;
        item := i;
        seq := stored;
        is_new := NOT known;
        RETURN NEXT;
    END LOOP;
    PERFORM ordersync_project(stored_ids, stored_seqs, cardinality(fresh));
END;
$$;
