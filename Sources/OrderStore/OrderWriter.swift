package import Storage
package import OrderCore
package import SQLite
import Threads

/// The single writer of the database, with group commit.
///
/// Callers hand in whole batches and block until theirs is durable. One thread owns the connection:
/// it takes every batch queued while the previous commit was running and commits them together: one
/// transaction and one fsync for many requests. Nobody waits on a timer: the batching comes from
/// requests that arrive while the disk is busy. A group that fails is retried batch by batch, so each
/// request stays atomic and only a batch that really cannot be stored fails.
package final class OrderWriter: @unchecked Sendable {
    // @unchecked Sendable: `connection`, `statements`, `projector` and the backfill's fields are
    // touched only by the writer thread (and by `init`, `start` and `close` before it starts and after
    // it ended); the queue guards itself.

    /// Upper bound of orders per commit, so one transaction (and its WAL growth) stays bounded.
    package static let maxOrdersPerCommit = 50_000

    private let connection: Connection
    /// The writer's statements, prepared once (looking them up by SQL text per row costs a hash each time).
    private var statements: WriterStatements?
    /// Keeps the projections current in each commit, and runs their backfill between commits.
    private lazy var projector = Projector(connection)
    /// Set by `start`: where the backfill stands, shared with the readers.
    private var projections = ProjectionStatus(nil, listener: nil)
    /// Orders per backfill transaction (set by `start`).
    private var backfillChunk = OrderWriter.backfillChunk
    /// Group commit: the requests' batches wait here (Sources/Storage/BatchQueue.swift).
    private let batches = BatchQueue(maxOrdersPerGroup: OrderWriter.maxOrdersPerCommit)
    private var started = false
    private let metrics: WriterMetrics
    /// SOURCE_PRIORITY, for the versions' rule (WriterStatements).
    private let priority: SourcePriority

    /// Opens the writer connection (WAL, `synchronous=FULL`); `start()` starts its thread.
    package init(
        path: String, busyTimeoutMilliseconds: Int32 = 5_000, metrics: WriterMetrics = WriterMetrics(),
        priority: SourcePriority = .standard
    ) throws(SQLiteError) {
        self.metrics = metrics
        self.priority = priority
        connection = try Connection(path: path, mode: .readWrite, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        try connection.configureAsWriter()
    }

    /// Runs `body` on the writer's connection before the thread starts (schema, migrations).
    package func withConnectionBeforeStart<R>(_ body: (Connection) throws -> R) rethrows -> R {
        precondition(!started, "the writer thread owns the connection once started")
        return try body(connection)
    }

    /// Orders the backfill projects per transaction: short enough that ingest waits little behind it.
    package static let backfillChunk = 1_000

    /// Starts the writer thread (which also runs the projections' backfill while `projections` says one
    /// is pending); throws when the system cannot create one.
    package func start(projections: ProjectionStatus, backfillChunk: Int = OrderWriter.backfillChunk) throws(StoreError) {
        self.projections = projections
        self.backfillChunk = max(1, backfillChunk)
        started = true
        do {
            try batches.start { [self] in run() }
        } catch {
            started = false
            throw error
        }
    }

    /// Stores one batch atomically; returns once it is durable on disk, or throws and stores nothing.
    package func ingest(_ orders: [Order], source: String = "api") throws(StoreError) -> IngestResult {
        try batches.submit(orders, source: source)
    }

    /// Stores a source event and what it produced atomically (EventWriter), in a group like `ingest`.
    package func record(_ event: SourceEvent) throws(StoreError) -> IngestResult {
        try batches.submit(event: event)
    }

    /// True while batches are accepted.
    package var isRunning: Bool { batches.isRunning }

    /// A snapshot of the counters.
    package var stats: WriterStatistics { batches.stats }

    /// Refuses new batches, commits what is queued, checkpoints the WAL into the database and stops.
    package func close() {
        batches.stop()
        // The thread is gone: the connection is ours again. TRUNCATE leaves an empty WAL behind.
        _ = try? connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    // MARK: - Writer thread

    private func run() {
        // A paused backfill (after a failed chunk) is resumed by the queue's timed wait.
        while let group = batches.next(backgroundDue: projections.nextChunk()) {
            if group.isEmpty {
                backfillStep()
                continue
            }
            // A failed group is retried batch by batch (a full disk fails them all again, which is right).
            batches.settle(group, metrics: metrics) { commit($0) }
        }
    }

    /// Projects the next chunk of orders for the backfill (Projector+Backfill.swift) and reports it; a
    /// failure stops the backfill in this process (the next start resumes it), reads stay on the
    /// from-scratch views.
    private func backfillStep() {
        do {
            guard let progress = try projector.backfillChunk(limit: backfillChunk) else {
                projections.abandon()
                return
            }
            projections.update(progress)
        } catch {
            projections.failed(StoreError(error), now: Threads.monotonicSeconds())
        }
    }

    /// Applies and commits one group in one transaction; sets every batch's result. True when it committed.
    ///
    /// All or nothing: any error rolls the whole transaction back and fails every batch of the group.
    /// (Per-batch savepoints cannot be trusted here: on an I/O error or a full disk SQLite may roll
    /// back the entire transaction by itself, and a later batch would then commit on its own.)
    private func commit(_ group: [PendingBatch]) -> Bool {
        let ingestedAt = Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText
        var results: [IngestResult] = []
        var touched = Projector.Touched()
        touched.reserve(group.reduce(0) { $0 + $1.orders.count })
        do {
            try connection.cached("BEGIN IMMEDIATE").run()
            for batch in group { results.append(try apply(batch, ingestedAt: ingestedAt, touched: &touched)) }
            try projector.apply(touched)
            try connection.cached("COMMIT").run()
        } catch {
            connection.rollbackQuietly()
            for batch in group { batch.result = .failure(StoreError(error)) }
            return false
        }
        for (batch, result) in zip(group, results) { batch.result = .success(result) }
        return true
    }

    private func apply(_ batch: PendingBatch, ingestedAt: String, touched: inout Projector.Touched)
        throws(SQLiteError) -> IngestResult
    {
        if statements == nil { statements = try WriterStatements(connection, priority: priority) }
        guard let statements else { return IngestResult() }
        let writer = EventWriter(connection: connection, statements: statements, projector: projector)
        if let event = batch.event { return try writer.apply(event, ingestedAt: ingestedAt, touched: &touched) }
        return try writer.store(batch.orders, batch.source, ingestedAt, &touched)
    }
}

/// The statements of the write path, prepared once on the writer's connection.
final class WriterStatements {
    let insert: Statement
    let known: Statement
    let sameUpdatedAt: Statement
    let latestWithUpdatedAt: Statement
    let latestWithoutUpdatedAt: Statement
    let latestVersionWithUpdatedAt: Statement
    let latestVersionWithoutUpdatedAt: Statement
    private let connection: Connection
    /// SOURCE_PRIORITY (docs/contract.md §2, "Sources in conflict").
    private let priority: SourcePriority

    init(_ connection: Connection, priority: SourcePriority) throws(SQLiteError) {
        self.connection = connection
        self.priority = priority
        insert = try connection.prepare(Self.insertSQL, persistent: true)
        known = try connection.prepare(Self.knownSQL, persistent: true)
        sameUpdatedAt = try connection.prepare(Self.sameUpdatedAtSQL, persistent: true)
        latestWithUpdatedAt = try connection.prepare(Self.latestWithUpdatedAtSQL, persistent: true)
        latestWithoutUpdatedAt = try connection.prepare(Self.latestWithoutUpdatedAtSQL, persistent: true)
        latestVersionWithUpdatedAt = try connection.prepare(Self.versionColumns + Self.latestWithUpdatedAtTail)
        latestVersionWithoutUpdatedAt = try connection.prepare(Self.versionColumns + Self.latestWithoutUpdatedAtTail)
    }

    /// A version that `store` appended.
    struct Stored {
        var seq: Int64
        /// The order had no version before this one.
        var isNew: Bool
    }

    /// Appends `order` unless docs/contract.md §2 calls it unchanged; what was appended, if anything.
    /// Runs inside the caller's transaction, which must hand the result to a `Projector`.
    func store(_ order: Order, source: String, ingestedAt: String) throws(SQLiteError) -> Stored? {
        let known = try isKnown(order.orderID)
        if known, try !admits(order, source: source, ingestedAt: ingestedAt) { return nil }
        try insert.bind(1, order.orderID)
        try insert.bind(2, order.orderDate)
        try insert.bind(3, order.status)
        try insert.bind(4, order.details)
        try insert.bind(5, order.updatedAt)
        try insert.bind(6, ingestedAt)
        try insert.bind(7, source)
        try order.payload.withUnsafeBufferPointer { bytes throws(SQLiteError) in try insert.bind(8, utf8: bytes) }
        try insert.run()
        return Stored(seq: connection.lastInsertRowID, isNew: !known)
    }

    /// The order's latest stored version (docs/contract.md §2: versions with an updated_at outrank
    /// those without), for a tombstone; nil for an order never stored.
    func latestVersion(of orderID: String) throws(SQLiteError) -> Order? {
        for latest in [latestVersionWithUpdatedAt, latestVersionWithoutUpdatedAt] {
            defer { latest.reset() }
            try latest.bind(1, orderID)
            guard try latest.step() else { continue }
            let payload = latest.withText(4) { text in text.map(Array.init) ?? [] }
            return Order(
                orderID: orderID, orderDate: latest.string(0) ?? "", status: latest.string(1) ?? "",
                details: latest.string(2), updatedAt: latest.string(3), payload: payload)
        }
        return nil
    }

    private func isKnown(_ orderID: String) throws(SQLiteError) -> Bool {
        defer { known.reset() }
        try known.bind(1, orderID)
        return try known.step()
    }

    /// docs/contract.md §2 for an order that has versions (VersionRule): not stored when its content
    /// equals the latest's or when its updated_at is stored already (another source's other content at
    /// that time: SOURCE_PRIORITY decides); each conflict between sources is logged. A new order, the
    /// common case in bulk loads, never gets here: it needs one seek, not three.
    private func admits(_ order: Order, source: String, ingestedAt: String) throws(SQLiteError) -> Bool {
        var atSameTime: VersionRule.Stored?
        if let updatedAt = order.updatedAt {
            defer { sameUpdatedAt.reset() }
            try sameUpdatedAt.bind(1, order.orderID)
            try sameUpdatedAt.bind(2, updatedAt)
            if try sameUpdatedAt.step() {
                atSameTime = VersionRule.Stored(
                    source: sameUpdatedAt.string(0) ?? "", updatedAt: updatedAt,
                    sameContent: sameUpdatedAt.withText(1) { $0.map { order.payload.elementsEqual($0) } ?? false })
            }
        }
        var latest: VersionRule.Stored?
        if atSameTime == nil {
            for statement in [latestWithUpdatedAt, latestWithoutUpdatedAt] {
                defer { statement.reset() }
                try statement.bind(1, order.orderID)
                guard try statement.step() else { continue }
                latest = VersionRule.Stored(
                    source: statement.string(2) ?? "", updatedAt: statement.string(1),
                    sameContent: statement.withText(0) { $0.map { order.payload.elementsEqual($0) } ?? false })
                break
            }
        }
        let (store, conflict) = VersionRule.decide(
            source: source, updatedAt: order.updatedAt, atSameTime: atSameTime, latest: latest, priority: priority)
        if let conflict { try log(conflict, entity: order.orderID, at: ingestedAt) }
        return store
    }

    private func log(_ conflict: VersionRule.Conflict, entity: String, at loggedAt: String) throws(SQLiteError) {
        let insert = try connection.cached(
            """
            INSERT INTO conflict_log (entity, kind, winner_source, loser_source, resolution, event_time, winner_time,
                details, logged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try insert.bind([
            entity, conflict.kind, conflict.winner, conflict.loser, conflict.resolution, conflict.eventTime,
            conflict.winnerTime, conflict.details, loggedAt,
        ])
        try insert.run()
    }

    static let versionColumns = "SELECT order_date, order_status, order_details, updated_at, payload "
    static let knownSQL = "SELECT 1 FROM orders_raw WHERE order_id = ? LIMIT 1"
    static let insertSQL = """
        INSERT INTO orders_raw (order_id, order_date, order_status, order_details, updated_at, ingested_at, source, payload)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let sameUpdatedAtSQL =
        "SELECT source, payload FROM orders_raw WHERE order_id = ? AND updated_at = ? ORDER BY seq DESC LIMIT 1"
    // Versions with an updated_at outrank those without; both lookups are seeks on (order_id, updated_at).
    static let latestWithUpdatedAtTail = """
        FROM orders_raw WHERE order_id = ? AND updated_at IS NOT NULL ORDER BY updated_at DESC, seq DESC LIMIT 1
        """
    static let latestWithoutUpdatedAtTail = "FROM orders_raw WHERE order_id = ? AND updated_at IS NULL ORDER BY seq DESC LIMIT 1"
    static let latestWithUpdatedAtSQL = "SELECT payload, updated_at, source " + latestWithUpdatedAtTail
    static let latestWithoutUpdatedAtSQL = "SELECT payload, updated_at, source " + latestWithoutUpdatedAtTail
}
