import OrderCore
import PostgreSQL
import Storage

/// Source events on PostgreSQL (docs/realtime.md §4), the twin of Sources/OrderStore/EventWriter.swift:
/// one transaction per event, its keys locked first (advisory locks in sorted order, so instances that
/// receive the same delivery at once take turns and the second finds the first's row), then its
/// versions through ordersync_ingest, its tombstone or records, then the event with its outcome.
enum PostgresEvents {
    /// Stores `event` in its own transaction on `connection`.
    static func store(_ event: SourceEvent, ingestedAt: String, on connection: PGConnection)
        throws(PostgresError) -> IngestResult
    {
        _ = try connection.query("BEGIN")
        do {
            let result = try apply(event, ingestedAt: ingestedAt, on: connection)
            _ = try connection.query(result.event == .duplicate ? "ROLLBACK" : "COMMIT")
            return result
        } catch {
            if connection.isConnected { connection.rollbackQuietly() }
            throw error
        }
    }

    private static func apply(_ event: SourceEvent, ingestedAt: String, on connection: PGConnection)
        throws(PostgresError) -> IngestResult
    {
        let keys = Array(Set([event.key] + (event.deliveryKey.map { [$0] } ?? []))).sorted()
        for key in keys {
            _ = try connection.queryCached("SELECT pg_advisory_xact_lock(hashtextextended($1, 12))", [.text(key)])
        }
        let known = try connection.queryCached(
            "SELECT 1 FROM source_events WHERE event_key = ANY($1::text[]) OR delivery_key = ANY($1::text[]) LIMIT 1",
            [try PGArray.binaryText(keys)])
        if known.rowCount > 0 { return IngestResult(event: .duplicate) }
        let (result, detail) = try event.applyEffect(
            store: { (orders) throws(PostgresError) in
                let stored = try OrderAppend.run(orders.map { ($0, event.source) }, ingestedAt: ingestedAt, on: connection)
                return IngestResult(inserted: stored.count, unchanged: orders.count - stored.count)
            },
            appendRecord: { (record) throws(PostgresError) in
                try append(record, fetchedAt: ingestedAt, runID: nil, on: connection)
            },
            latestVersion: { (orderID) throws(PostgresError) in try latestVersion(of: orderID, on: connection) })
        _ = try connection.queryCached(
            """
            INSERT INTO source_events (event_key, delivery_key, source, source_id, event_type, payload,
                received_at, event_time, status, detail, checksum)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """,
            [
                .text(event.key), PGValue(event.deliveryKey), .text(event.source), PGValue(event.sourceID),
                .text(event.type), .bytes(event.payload), .text(ingestedAt), PGValue(event.eventTime),
                .text((result.event ?? .applied).rawValue), PGValue(detail), .text(event.checksum),
            ])
        if let entity = event.sourceID {
            // entity_sync_state (sql/postgresql/tables/entity_sync_state.sql): the newest event per
            // entity and source stands; a late one leaves what a newer one wrote.
            _ = try connection.queryCached(
                """
                INSERT INTO entity_sync_state (entity, source, version, last_event_time, content_hash, status, updated_at)
                VALUES ($1, $2, CASE WHEN $3 THEN (SELECT max(o.seq) FROM orders_raw AS o
                                                   WHERE o.order_id = $1 AND o.source = $2) END, $4, $5, $6, $7)
                ON CONFLICT (entity, source) DO UPDATE SET version = excluded.version,
                    last_event_time = excluded.last_event_time, content_hash = excluded.content_hash,
                    status = excluded.status, updated_at = excluded.updated_at
                WHERE excluded.last_event_time IS NULL OR entity_sync_state.last_event_time IS NULL
                   OR excluded.last_event_time >= entity_sync_state.last_event_time
                """,
                [
                    .text(entity), .text(event.source), .bool(event.isAboutOrder), PGValue(event.eventTime),
                    .text(event.checksum), .text((result.event ?? .applied).rawValue), .text(ingestedAt),
                ])
        }
        return result
    }

    /// The order's latest stored version (docs/contract.md §2), for a tombstone.
    private static func latestVersion(of orderID: String, on connection: PGConnection) throws(PostgresError)
        -> Order?
    {
        let row = try connection.queryCached(
            """
            SELECT order_date, order_status, order_details, updated_at, payload FROM orders_raw
            WHERE order_id = $1 ORDER BY updated_at IS NULL, updated_at DESC, seq DESC LIMIT 1
            """, [.text(orderID)])
        guard row.rowCount > 0 else { return nil }
        return Order(
            orderID: orderID, orderDate: row.string(0, 0) ?? "", status: row.string(0, 1) ?? "",
            details: row.string(0, 2), updatedAt: row.string(0, 3), payload: Array((row.string(0, 4) ?? "").utf8))
    }

    /// Appends a record to source_records unless its payload equals the latest stored version of the
    /// same record (sql/postgresql/tables/source_records.sql); true when it was appended. Shared with the
    /// sync worker's pages (PostgresSyncStore).
    static func append(_ record: SourceRecord, fetchedAt: String, runID: Int64?, on connection: PGConnection)
        throws(PostgresError) -> Bool
    {
        let payload = String(decoding: record.payload, as: UTF8.self)
        let latest = try connection.queryCached(
            "SELECT payload FROM source_records WHERE source = $1 AND source_id = $2 ORDER BY seq DESC LIMIT 1",
            [.text(record.source), .text(record.sourceID)])
        if latest.rowCount > 0, latest.string(0, 0) == payload { return false }
        _ = try connection.queryCached(
            """
            INSERT INTO source_records (source, source_id, updated_at, payload, fetched_at, run_id)
            VALUES ($1, $2, $3, $4, $5, $6)
            """,
            [.text(record.source), .text(record.sourceID), PGValue(record.updatedAt), .text(payload), .text(fetchedAt),
             runID.map { .int64($0) } ?? .null])
        return true
    }
}
