import OrderCore
import SQLite
import Storage

/// Stores a batch or a source event inside the writer's group transaction (OrderWriter): its keys checked against
/// `source_events` first (a duplicate stores nothing), then its versions, tombstone and records, then
/// the event itself with its outcome (docs/realtime.md §4). Two deliveries of one event in the same
/// group: the second sees the first's row, the transaction being the same.
struct EventWriter {
    let connection: Connection
    let statements: WriterStatements
    let projector: Projector

    func apply(_ event: SourceEvent, ingestedAt: String, touched: inout Projector.Touched)
        throws(SQLiteError) -> IngestResult
    {
        if try isKnown(event) { return IngestResult(event: .duplicate) }
        let (result, detail) = try event.applyEffect(
            store: { (orders) throws(SQLiteError) in try store(orders, event.source, ingestedAt, &touched) },
            appendRecord: { (record) throws(SQLiteError) in
                try SourceRecordWriter.append(record, fetchedAt: ingestedAt, runID: nil, on: connection)
            },
            latestVersion: { (orderID) throws(SQLiteError) in try statements.latestVersion(of: orderID) })
        try insert(event, outcome: result.event ?? .applied, detail: detail, receivedAt: ingestedAt)
        try keepEntityState(of: event, outcome: result.event ?? .applied, at: ingestedAt)
        return result
    }

    /// entity_sync_state (sql/tables/entity_sync_state.sql): the newest event per entity and source
    /// stands; a late one leaves what a newer one wrote.
    private func keepEntityState(of event: SourceEvent, outcome: EventOutcome, at now: String) throws(SQLiteError) {
        guard let entity = event.sourceID else { return }
        var version: String?
        if event.isAboutOrder {
            let newest = try connection.cached("SELECT max(seq) FROM orders_raw WHERE order_id = ? AND source = ?")
            defer { newest.reset() }
            try newest.bind([entity, event.source])
            if try newest.step() { version = newest.string(0) }
        }
        let upsert = try connection.cached(
            """
            INSERT INTO entity_sync_state (entity, source, version, last_event_time, content_hash, status, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (entity, source) DO UPDATE SET version = excluded.version,
                last_event_time = excluded.last_event_time, content_hash = excluded.content_hash,
                status = excluded.status, updated_at = excluded.updated_at
            WHERE excluded.last_event_time IS NULL OR entity_sync_state.last_event_time IS NULL
               OR excluded.last_event_time >= entity_sync_state.last_event_time
            """)
        try upsert.bind([entity, event.source, version, event.eventTime, event.checksum, outcome.rawValue, now])
        try upsert.run()
    }

    /// Appends versions by the rules of `POST /` (docs/contract.md §2) and records them for the projections:
    /// a plain batch's whole work, and an event's versions.
    func store(_ orders: [Order], _ source: String, _ ingestedAt: String, _ touched: inout Projector.Touched)
        throws(SQLiteError) -> IngestResult
    {
        var result = IngestResult()
        for order in orders {
            if let stored = try statements.store(order, source: source, ingestedAt: ingestedAt) {
                try projector.record(stored, of: order, ingestedAt: ingestedAt, into: &touched)
                result.inserted += 1
            } else {
                result.unchanged += 1
            }
        }
        return result
    }

    private func isKnown(_ event: SourceEvent) throws(SQLiteError) -> Bool {
        let known = try connection.cached(
            "SELECT 1 FROM source_events WHERE event_key = ? OR delivery_key = ? OR event_key = ? LIMIT 1")
        defer { known.reset() }
        try known.bind(1, event.key)
        try known.bind(2, event.deliveryKey ?? event.key)
        try known.bind(3, event.deliveryKey ?? event.key)
        return try known.step()
    }

    private func insert(_ event: SourceEvent, outcome: EventOutcome, detail: String?, receivedAt: String)
        throws(SQLiteError)
    {
        let insert = try connection.cached(
            """
            INSERT INTO source_events (event_key, delivery_key, source, source_id, event_type, payload,
                received_at, event_time, status, detail, checksum)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try insert.bind(1, event.key)
        try insert.bind(2, event.deliveryKey)
        try insert.bind(3, event.source)
        try insert.bind(4, event.sourceID)
        try insert.bind(5, event.type)
        try insert.bind(6, blob: event.payload)
        try insert.bind(7, receivedAt)
        try insert.bind(8, event.eventTime)
        try insert.bind(9, outcome.rawValue)
        try insert.bind(10, detail)
        try insert.bind(11, event.checksum)
        try insert.run()
    }
}
