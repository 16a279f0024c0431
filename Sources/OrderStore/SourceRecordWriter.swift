import OrderCore
import SQLite

/// Appends connector and webhook records to `source_records` (sql/tables/source_records.sql), for the
/// sync worker's pages (SyncStore) and the writer's source events (EventWriter) alike.
enum SourceRecordWriter {
    /// Appends `record` unless its payload equals the latest stored version of the same record; true
    /// when it was appended. Runs inside the caller's transaction.
    static func append(_ record: SourceRecord, fetchedAt: String, runID: Int64?, on connection: Connection)
        throws(SQLiteError) -> Bool
    {
        let latest = try connection.cached(
            "SELECT payload FROM source_records WHERE source = ? AND source_id = ? ORDER BY seq DESC LIMIT 1")
        defer { latest.reset() }
        try latest.bind(1, record.source)
        try latest.bind(2, record.sourceID)
        if try latest.step() {
            let same = latest.withText(0) { stored in stored.map { record.payload.elementsEqual($0) } ?? false }
            if same { return false }
        }
        let insert = try connection.cached(
            """
            INSERT INTO source_records (source, source_id, updated_at, payload, fetched_at, run_id)
            VALUES (?, ?, ?, ?, ?, ?)
            """)
        try insert.bind(1, record.source)
        try insert.bind(2, record.sourceID)
        try insert.bind(3, record.updatedAt)
        try record.payload.withUnsafeBufferPointer { bytes throws(SQLiteError) in try insert.bind(4, utf8: bytes) }
        try insert.bind(5, fetchedAt)
        try insert.bind(6, runID.map(String.init))
        try insert.run()
        return true
    }
}
