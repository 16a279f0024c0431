package import OrderCore
import PostgreSQL
package import Storage
import Threads

/// The sync worker's storage on PostgreSQL (the SQLite engine's: Sources/OrderStore/SyncStore.swift):
/// each page, its synced orders and the connector's new position in one transaction, so a crash
/// between pages loses nothing and a resumed run doubles nothing. Synced orders go through
/// `ordersync_ingest`, the same rules and locks as `POST /` on any instance.
///
/// One run at a time across every instance: `claimRun()` takes a session-level advisory lock held by
/// this store's connection until `close()` or the process's end (the server then answers a second
/// `/sync` with 409, OrderService+Sync.swift).
package final class PostgresSyncStore: SyncStorage {
    private let connection: PGConnection
    /// Advisory-lock class of the sync run (the schema's is PostgresSchema.lockClass).
    static let runLockClass: Int32 = 1869767253

    package init(url: String, sqlDirectory: String?, sourcePriority: SourcePriority = .standard)
        throws(PostgresStore.OpenError)
    {
        (connection, _) = try PostgresStore.connectApplyingSchema(url, sqlDirectory: sqlDirectory, priority: sourcePriority)
    }

    /// Where the database is, without the password.
    package var target: String { connection.target.description }

    /// Takes the run lock; nil when it is ours, else a description of the run that holds it (the
    /// latest run still marked running, as JSON, or "{}" when none is recorded yet).
    package func claimRun() throws(StoreError) -> String? {
        try run { () throws(PostgresError) -> String? in
            let taken = try connection.query(
                "SELECT pg_try_advisory_lock($1::integer, 0)", [.int64(Int64(Self.runLockClass))]
            ).bool(0, 0)
            if taken == true { return nil }
            let running = try connection.query(
                """
                SELECT json_build_object('run_id', run_id, 'started_at', started_at)::text FROM sync_runs
                WHERE status = 'running' ORDER BY run_id DESC LIMIT 1
                """)
            return running.rowCount > 0 ? running.string(0, 0) ?? "{}" : "{}"
        }
    }

    /// Gives the run lock back (it also goes when the connection ends).
    package func close() {
        connection.rollbackQuietly()
        _ = try? connection.query("SELECT pg_advisory_unlock_all()")
    }

    package func state(of connector: String) throws(StoreError) -> ConnectorState {
        try run { () throws(PostgresError) in
            let result = try connection.queryCached(
                "SELECT cursor, resume, high_water FROM sync_state WHERE connector = $1", [.text(connector)])
            guard result.rowCount > 0 else { return ConnectorState() }
            return ConnectorState(
                cursor: result.string(0, 0), resume: result.string(0, 1), highWater: result.string(0, 2))
        }
    }

    package func storePage(
        connector: String, records: [SourceRecord], orders: [Order], state: ConnectorState, runID: Int64
    ) throws(StoreError) -> PageResult {
        let now = Self.now()
        return try inTransaction { () throws(PostgresError) in
            var result = PageResult()
            for record in records {
                if try PostgresEvents.append(record, fetchedAt: now, runID: runID, on: connection) {
                    result.inserted += 1
                } else {
                    result.unchanged += 1
                }
            }
            if !orders.isEmpty {
                let stored = try OrderAppend.run(orders.map { ($0, connector) }, ingestedAt: now, on: connection)
                result.ordersInserted = stored.count
            }
            try save(state, of: connector, at: now)
            return result
        }
    }

    package func saveState(_ state: ConnectorState, of connector: String) throws(StoreError) {
        try inTransaction { () throws(PostgresError) in try save(state, of: connector, at: Self.now()) }
    }

    package func beginRun(trigger: String, scheduleTime: String?) throws(StoreError) -> Int64 {
        let now = Self.now()
        return try inTransaction { () throws(PostgresError) -> Int64 in
            // Called holding the run lock: a run still marked running belongs to a process that died.
            _ = try connection.query(
                "UPDATE sync_runs SET status = 'interrupted', finished_at = $1 WHERE status = 'running'", [.text(now)])
            return try connection.query(
                """
                INSERT INTO sync_runs (started_at, status, trigger, schedule_time) VALUES ($1, 'running', $2, $3)
                RETURNING run_id
                """, [.text(now), .text(trigger), PGValue(scheduleTime)]
            ).int64(0, 0) ?? 0
        }
    }

    package func finishRun(_ runID: Int64, succeeded: Bool, summary: String) throws(StoreError) {
        let now = Self.now()
        try inTransaction { () throws(PostgresError) in
            _ = try connection.query(
                "UPDATE sync_runs SET status = $1, finished_at = $2, summary = $3 WHERE run_id = $4",
                [.text(succeeded ? "succeeded" : "failed"), .text(now), .text(summary), .int64(runID)])
        }
    }

    package func succeededSummary(scheduleTime: String) throws(StoreError) -> String? {
        try run { () throws(PostgresError) -> String? in
            let result = try connection.query(
                """
                SELECT summary FROM sync_runs WHERE schedule_time = $1 AND status = 'succeeded'
                ORDER BY run_id DESC LIMIT 1
                """, [.text(scheduleTime)])
            return result.rowCount > 0 ? result.string(0, 0) : nil
        }
    }

    package func mergeCounts() throws(StoreError) -> (merged: Int, unmatched: Int) {
        try run { () throws(PostgresError) -> (merged: Int, unmatched: Int) in
            let result = try connection.query(
                "SELECT count(*), coalesce(sum(CASE WHEN crm_match = 0 THEN 1 ELSE 0 END), 0) FROM merged_orders_v")
            return (Int(try result.int64(0, 0) ?? 0), Int(try result.int64(0, 1) ?? 0))
        }
    }

    // MARK: - Helpers

    private func save(_ state: ConnectorState, of connector: String, at now: String) throws(PostgresError) {
        _ = try connection.queryCached(
            """
            INSERT INTO sync_state (connector, cursor, resume, high_water, updated_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (connector) DO UPDATE SET cursor = excluded.cursor, resume = excluded.resume,
                high_water = excluded.high_water, updated_at = excluded.updated_at
            """,
            [.text(connector), PGValue(state.cursor), PGValue(state.resume), PGValue(state.highWater), .text(now)])
    }

    private func inTransaction<R>(_ body: () throws(PostgresError) -> R) throws(StoreError) -> R {
        do {
            _ = try connection.query("BEGIN")
            let result = try body()
            _ = try connection.query("COMMIT")
            // Validators move once the page is visible (sql/postgresql/functions/data_generation.sql).
            _ = try? connection.queryCached("SELECT nextval('ordersync_data_generation')")
            return result
        } catch {
            connection.rollbackQuietly()
            throw StoreError(error)
        }
    }

    private func run<R>(_ body: () throws(PostgresError) -> R) throws(StoreError) -> R {
        do { return try body() } catch { throw StoreError(error) }
    }

    static func now() -> String {
        Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText
    }
}
