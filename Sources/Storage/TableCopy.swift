/// `ordersync copy` (docs/postgresql.md, "Moving up"): the tables that hold a database's own data,
/// moved between engines row for row, in key order, a chunk per transaction, so a copy that stops
/// resumes after the last chunk it committed. Rows travel as the text of each column (NULL as nil):
/// both engines store text, and integers read back as the same decimal text.
package struct CopiedTable: Sendable, Equatable {
    package let name: String
    package let columns: [String]
    /// The integer column that orders the rows (arrival order); nil for a small table copied whole
    /// and replaced at every run (sync_state: one row per connector).
    package let key: String?
    /// Columns that hold bytes (a BLOB, `bytea`): they travel as PostgreSQL's hex text of bytea
    /// (`\x` and lower-case hex digits), which a COPY into bytea reads back as the same bytes.
    package let bytes: Set<String>
    /// A keyless table's primary key: the order its rows are read in, on both engines alike.
    package let primaryKey: [String]
    /// The column numbered by the engine (an identity): after a copy, new rows continue past it.
    package let numbered: String?

    init(
        name: String, columns: [String], key: String?, bytes: Set<String> = [], primaryKey: [String]? = nil,
        numbered: String? = nil
    ) {
        self.name = name
        self.columns = columns
        self.key = key
        self.bytes = bytes
        self.primaryKey = primaryKey ?? [columns[0]]
        self.numbered = numbered ?? key
    }

    /// The data of ordersync: the history, the provider records, the events as received, the sync runs
    /// and positions, the conflicts between sources, the per-entity state of the events, and the customers'
    /// versions and outbox. The
    /// projections and the status vocabulary are not data: each engine derives or loads them itself.
    package static let all: [CopiedTable] = [
        CopiedTable(
            name: "orders_raw",
            columns: [
                "seq", "order_id", "order_date", "order_status", "order_details", "updated_at", "ingested_at", "source",
                "payload",
            ], key: "seq"),
        CopiedTable(
            name: "source_records",
            columns: ["seq", "source", "source_id", "updated_at", "payload", "fetched_at", "run_id"], key: "seq"),
        CopiedTable(
            name: "source_events",
            columns: [
                "event_id", "event_key", "delivery_key", "source", "source_id", "event_type", "payload", "received_at",
                "event_time", "status", "detail", "checksum",
            ], key: "event_id", bytes: ["payload"]),
        CopiedTable(
            name: "sync_runs",
            columns: ["run_id", "started_at", "finished_at", "status", "trigger", "schedule_time", "summary"],
            key: "run_id"),
        CopiedTable(
            name: "sync_state", columns: ["connector", "cursor", "resume", "high_water", "updated_at"], key: nil),
        CopiedTable(
            name: "conflict_log",
            columns: [
                "conflict_id", "entity", "kind", "winner_source", "loser_source", "resolution", "event_time",
                "winner_time", "details", "logged_at",
            ], key: "conflict_id"),
        CopiedTable(
            name: "entity_sync_state",
            columns: ["entity", "source", "version", "last_event_time", "content_hash", "status", "updated_at"],
            key: nil, primaryKey: ["entity", "source"]),
        CopiedTable(
            name: "customer_versions",
            columns: [
                "seq", "customer_id", "version", "source", "change", "changed_at", "received_at", "deleted", "applied",
                "payload",
            ], key: "seq"),
        // Its rows change state (pending, delivered, ...): copied whole at every run, like sync_state.
        CopiedTable(
            name: "customer_outbox",
            columns: [
                "delivery_id", "crm", "customer_id", "version", "state", "attempts", "next_attempt_at", "last_error",
                "remote_id", "queued_at", "settled_at",
            ], key: nil, numbered: "delivery_id"),
    ]
}

/// Where `ordersync copy` reads.
package protocol CopySource {
    /// Up to `limit` rows with a key above `after` (all rows when the table has no key), in key order.
    func rows(of table: CopiedTable, after: Int64, limit: Int) throws(StoreError) -> [[String?]]
}

/// Where `ordersync copy` writes.
package protocol CopyTarget: CopySource {
    /// The greatest key stored (0 when none): the copy resumes after it.
    func lastKey(of table: CopiedTable) throws(StoreError) -> Int64
    /// Appends rows in one transaction (a keyless table: replaces its rows).
    func append(_ rows: [[String?]], to table: CopiedTable) throws(StoreError)
    /// After the last chunk: makes new rows continue after the copied keys.
    func finish(_ table: CopiedTable) throws(StoreError)
}

/// A checksum of rows in order (FNV-1a, 64 bits): not cryptographic, it detects a row that differs,
/// is missing or is extra between two copies read the same way. Each field is hashed with its length
/// and a NULL marker, so ("ab", "c") and ("a", "bc") differ.
package struct RowChecksum: Sendable, Equatable {
    package private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    package private(set) var rows = 0

    package init() {}

    package mutating func add(_ row: [String?]) {
        rows += 1
        for field in row {
            guard let field else {
                mix(0xFF)
                continue
            }
            var length = field.utf8.count
            for _ in 0..<8 {
                mix(UInt8(truncatingIfNeeded: length))
                length >>= 8
            }
            for byte in field.utf8 { mix(byte) }
        }
        mix(0x0A)
    }

    private mutating func mix(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
    }
}
