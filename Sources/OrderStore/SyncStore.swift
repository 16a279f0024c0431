package import Storage
package import OrderCore
import SQLite
import Threads

/// The sync worker's view of the database: pages of fetched records stored together with the
/// connector's new position, in one transaction each, so a crash between pages loses nothing and a
/// resumed run doubles nothing.
///
/// Runs in the sync worker process, beside the server's own writer: both use `BEGIN IMMEDIATE` and a
/// bounded busy timeout, and every transaction here covers one page, so neither waits long.
package final class SyncStore {
    private let connection: Connection
    /// The orders_raw write path, shared with `OrderWriter` (prepared on first use).
    private var orderStatements: WriterStatements?
    /// Keeps the projections current in the page's transaction, like the server's writer.
    private let projector: Projector
    /// SOURCE_PRIORITY, for the versions' rule (WriterStatements).
    private let priority: SourcePriority

    /// Opens the database (creating it and its folder when missing) and applies the SQL files (those of
    /// `sqlDirectory`, or the built-in ones when it is nil). A file this call created is removed again
    /// when it fails.
    package init(path: String, sqlDirectory: String?, sourcePriority: SourcePriority = .standard)
        throws(OrderStore.OpenError)
    {
        priority = sourcePriority
        let connection = try OrderStore.removingCreatedFile(path) { () throws(OrderStore.OpenError) in
            try SyncStore.open(path: path, sqlDirectory: sqlDirectory)
        }
        self.connection = connection
        projector = Projector(connection)
    }

    private static func open(path: String, sqlDirectory: String?) throws(OrderStore.OpenError) -> Connection {
        try OrderStore.createFolder(of: path)
        let connection: Connection
        do {
            connection = try Connection(path: path, mode: .readWrite, busyTimeoutMilliseconds: 10_000)
            try connection.configureAsWriter()
        } catch {
            throw .database(path, error)
        }
        do {
            _ = try SchemaLoader.apply(directory: sqlDirectory, to: connection)
        } catch {
            throw .schema(error)
        }
        do {
            // The backfill itself is the server's (OrderWriter): a sync run maintains what it covers.
            _ = try Projector.prepare(connection)
        } catch {
            throw .database(path, error)
        }
        return connection
    }

    /// The connector's saved position (empty for a connector never run).
    package func state(of connector: String) throws(StoreError) -> ConnectorState {
        do {
            let statement = try connection.cached(
                "SELECT cursor, resume, high_water FROM sync_state WHERE connector = ?")
            defer { statement.reset() }
            try statement.bind(1, connector)
            guard try statement.step() else { return ConnectorState() }
            return ConnectorState(
                cursor: statement.string(0), resume: statement.string(1), highWater: statement.string(2))
        } catch {
            throw StoreError(error)
        }
    }

    /// Stores one page and the connector's position after it, atomically.
    ///
    /// Records whose payload equals the latest stored version of the same record are counted as
    /// unchanged; `orders` go through the same rules as `POST /` (docs/contract.md §2) with `source`.
    package func storePage(
        connector: String, records: [SourceRecord], orders: [Order], state: ConnectorState, runID: Int64
    ) throws(StoreError) -> PageResult {
        let now = SyncStore.now()
        var result = PageResult()
        do {
            try connection.cached("BEGIN IMMEDIATE").run()
            for record in records {
                if try SourceRecordWriter.append(record, fetchedAt: now, runID: runID, on: connection) {
                    result.inserted += 1
                } else {
                    result.unchanged += 1
                }
            }
            if !orders.isEmpty {
                if orderStatements == nil { orderStatements = try WriterStatements(connection, priority: priority) }
                if let statements = orderStatements {
                    var touched = Projector.Touched()
                    for order in orders {
                        if let stored = try statements.store(order, source: connector, ingestedAt: now) {
                            try projector.record(stored, of: order, ingestedAt: now, into: &touched)
                            result.ordersInserted += 1
                        }
                    }
                    try projector.apply(touched)
                }
            }
            try save(state, of: connector, at: now)
            try connection.cached("COMMIT").run()
        } catch {
            connection.rollbackQuietly()
            throw StoreError(error)
        }
        return result
    }

    /// Saves a position on its own (a run that must start over drops its stale resume point).
    package func saveState(_ state: ConnectorState, of connector: String) throws(StoreError) {
        do {
            try connection.cached("BEGIN IMMEDIATE").run()
            try save(state, of: connector, at: SyncStore.now())
            try connection.cached("COMMIT").run()
        } catch {
            connection.rollbackQuietly()
            throw StoreError(error)
        }
    }

    private func save(_ state: ConnectorState, of connector: String, at now: String) throws(SQLiteError) {
        let upsert = try connection.cached(
            """
            INSERT INTO sync_state (connector, cursor, resume, high_water, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (connector) DO UPDATE SET cursor = excluded.cursor, resume = excluded.resume,
                high_water = excluded.high_water, updated_at = excluded.updated_at
            """)
        try upsert.bind([connector, state.cursor, state.resume, state.highWater, now])
        try upsert.run()
    }

    /// The current time as stored (UTC with milliseconds).
    static func now() -> String {
        Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText
    }

    /// Runs `body` in one write transaction (for the run bookkeeping in `SyncStore+Runs`).
    func inTransaction<R>(_ body: (Connection) throws(SQLiteError) -> R) throws(StoreError) -> R {
        do {
            try connection.cached("BEGIN IMMEDIATE").run()
            let result = try body(connection)
            try connection.cached("COMMIT").run()
            return result
        } catch {
            connection.rollbackQuietly()
            throw StoreError(error)
        }
    }

    /// Runs a read on the connection.
    func read<R>(_ body: (Connection) throws(SQLiteError) -> R) throws(StoreError) -> R {
        do { return try body(connection) } catch { throw StoreError(error) }
    }
}

/// The SQLite engine of the sync worker's storage (docs/storage.md).
extension SyncStore: SyncStorage {}
