-- ordersync_ingest: appends one group of order versions (the writer's group commit: many requests,
-- one transaction) by the rules of docs/contract.md §2, in one round trip, and returns the versions it
-- stored: their place in the arrays (`item`, from 1), their seq, and whether the order was new.
--
-- A version is not stored again when its order already has a version with the same updated_at, or
-- when it equals the order's latest version byte for byte (latest: the greatest updated_at among
-- versions that carry one, ties by seq; else the greatest seq). The same rules as the SQLite engine
-- (Sources/OrderStore/OrderWriter.swift, WriterStatements), here enforced by the database for every
-- instance that shares it: each order is locked first (a transaction-scoped advisory lock on its id's
-- bucket, taken in one sorted order so two groups never deadlock), so two instances posting the same order at
-- once serialize on it, and the second sees the first's version once it commits (READ COMMITTED takes
-- a fresh snapshot for every statement of this VOLATILE function). The projections are brought up to
-- date in the same transaction (ordersync_project.sql), under the same locks.
CREATE OR REPLACE FUNCTION ordersync_ingest(
    p_order_ids text[], p_order_dates text[], p_statuses text[], p_details text[], p_updated_ats text[],
    p_sources text[], p_payloads text[], p_ingested_at text
) RETURNS TABLE (item integer, seq bigint, is_new boolean)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n integer := coalesce(array_length(p_order_ids, 1), 0);
    known boolean;
    latest text;
    stored bigint;
    fresh integer[];
    i integer;
    -- What was stored, for the projections (sql/postgresql/functions/ordersync_project.sql).
    stored_ids text[];
    stored_seqs bigint[];
BEGIN
    IF array_length(p_order_dates, 1) IS DISTINCT FROM array_length(p_order_ids, 1)
        OR array_length(p_statuses, 1) IS DISTINCT FROM array_length(p_order_ids, 1)
        OR array_length(p_details, 1) IS DISTINCT FROM array_length(p_order_ids, 1)
        OR array_length(p_updated_ats, 1) IS DISTINCT FROM array_length(p_order_ids, 1)
        OR array_length(p_sources, 1) IS DISTINCT FROM array_length(p_order_ids, 1)
        OR array_length(p_payloads, 1) IS DISTINCT FROM array_length(p_order_ids, 1) THEN
        RAISE EXCEPTION 'ordersync_ingest: the arrays differ in length' USING ERRCODE = '22023';
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
        SELECT p_order_ids[f.item], p_order_dates[f.item], p_statuses[f.item], p_details[f.item], p_updated_ats[f.item],
               p_ingested_at, p_sources[f.item], p_payloads[f.item]
        FROM unnest(fresh) AS f (item) ORDER BY f.item
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
        IF known THEN
            IF p_updated_ats[i] IS NOT NULL AND EXISTS (
                SELECT 1 FROM orders_raw AS o WHERE o.order_id = p_order_ids[i] AND o.updated_at = p_updated_ats[i]
            ) THEN
                CONTINUE;
            END IF;
            SELECT o.payload INTO latest FROM orders_raw AS o
            WHERE o.order_id = p_order_ids[i] AND o.updated_at IS NOT NULL
            ORDER BY o.updated_at DESC, o.seq DESC LIMIT 1;
            IF NOT FOUND THEN
                SELECT o.payload INTO latest FROM orders_raw AS o
                WHERE o.order_id = p_order_ids[i] AND o.updated_at IS NULL
                ORDER BY o.seq DESC LIMIT 1;
            END IF;
            IF latest = p_payloads[i] THEN
                CONTINUE;
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
