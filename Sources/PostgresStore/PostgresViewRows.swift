import PostgreSQL
import Storage
import Threads

/// A view query read through a server-side cursor, `fetchRows` rows per round trip, inside one
/// read-only transaction (one snapshot, like SQLite's read transaction). The time limit is the
/// statement timeout of each FETCH, so it counts the database's work, not the time a slow client
/// takes to read (the SQLite engine's rule: OrderService+Views.swift).
final class PostgresViewRows: ViewRows, @unchecked Sendable {
    // @unchecked Sendable: used by one thread at a time: the handler, then the response writer.
    private let connection: PGConnection
    private let pool: ConnectionPool
    private var batch: PGResult?
    private var kinds: [CellKind] = []
    /// The current row; nil before the first step and after the last.
    private var current: PostgresCells?
    private var row = -1
    private var exhausted = false
    private var deadline: Double?
    private var finished = false

    init(connection: PGConnection, pool: ConnectionPool) {
        self.connection = connection
        self.pool = pool
    }

    deinit { finish() }

    /// Starts the snapshot, runs `first` in it (reads that must agree with the rows), then the query.
    func open<R>(
        _ query: PostgresViewQuery, deadline: Double?, first: (PGConnection) throws(PostgresError) -> R
    ) throws(StoreError) -> R {
        self.deadline = deadline
        do {
            _ = try connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            let result = try first(connection)
            _ = try connection.query(
                "DECLARE ordersync_view NO SCROLL CURSOR FOR \(query.text)", query.values.map { .text($0) })
            return result
        } catch {
            finish()
            throw StoreError.postgres(error)
        }
    }

    func open(_ query: PostgresViewQuery, deadline: Double?) throws(StoreError) {
        try open(query, deadline: deadline) { _ throws(PostgresError) in }
    }

    func setDeadline(_ deadline: Double?) { self.deadline = deadline }

    func step() throws(StoreError) -> Bool {
        row += 1
        if let batch, row < batch.rowCount {
            current = PostgresCells(result: batch, row: row, kinds: kinds)
            return true
        }
        current = nil
        guard !exhausted else { return false }
        do {
            let milliseconds = deadline.map { max(1, Int((($0 - Threads.monotonicSeconds()) * 1_000).rounded(.up))) } ?? 0
            _ = try connection.query("SELECT set_config('statement_timeout', $1, true)", [.text(String(milliseconds))])
            let fetched = try connection.query("FETCH \(PostgresStore.fetchRows) FROM ordersync_view")
            batch = fetched
            kinds = PostgresCells.kinds(of: fetched)
            row = 0
            if fetched.rowCount < PostgresStore.fetchRows { exhausted = true }
            guard fetched.rowCount > 0 else { return false }
            current = PostgresCells(result: fetched, row: 0, kinds: kinds)
            return true
        } catch {
            throw StoreError.postgres(error)
        }
    }

    func kind(_ cell: Int) -> CellKind { current?.kind(cell) ?? .null }
    func int64(_ cell: Int) -> Int64 { current?.int64(cell) ?? 0 }
    func double(_ cell: Int) -> Double { current?.double(cell) ?? 0 }
    func withText<R>(_ cell: Int, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        guard let current else { return body(nil) }
        return current.withText(cell, body)
    }

    func finish() {
        guard !finished else { return }
        finished = true
        batch = nil
        current = nil
        connection.rollbackQuietly()  // closes the cursor and ends the read-only transaction
        pool.release(connection)
    }
}
