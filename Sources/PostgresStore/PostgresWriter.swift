import OrderCore
import PostgreSQL
import Storage
import Threads

/// The write path on PostgreSQL: group commit on a few writer threads, each with its connection
/// (`Lane`). Requests queue their batches; a free thread takes every queued batch and stores them with
/// one call of `ordersync_ingest` (sql/postgresql/functions/ordersync_ingest.sql): one statement, so
/// one implicit transaction and one round trip, whose answer arrives only once it committed
/// (`synchronous_commit = on`, set on the session so no server default can weaken it). The dedup
/// rules run inside the database, under locks on the orders' buckets, so any number of instances may
/// share it.
///
/// When the group fails, each batch is tried alone, so one batch that cannot be stored does not take
/// the others down. When the connection is lost, the thread reconnects (once at once, for a
/// connection that had been idle; else at the next group); a batch whose answer was lost with the
/// connection fails with `.unavailable` (it may or may not have been committed: a retry is safe, the
/// dedup rules make it idempotent).
final class PostgresWriter: @unchecked Sendable {
    // @unchecked Sendable: each lane's connection is touched only by its writer thread (and `close`
    // after they ended); the queue guards itself.
    static let maxOrdersPerCommit = 50_000

    /// One writer thread and its connection. Several lanes take groups from the one queue, so a group
    /// is parsed and sent while another commits (the server runs them at once; ordersync_ingest's
    /// locks order what they share).
    private final class Lane: @unchecked Sendable {
        var connection: PGConnection?
    }

    /// Writer threads (and connections) by default: two, so the server's work on one group and this
    /// process's work on the next overlap on a 2-core machine (bench/RESULTS.md, "PostgreSQL engine").
    package static let defaultWriters = 2

    private let open: () throws(PostgresError) -> PGConnection
    private let lanes: [Lane]
    /// Group commit: the requests' batches wait here (Sources/Storage/BatchQueue.swift).
    private let batches = BatchQueue(maxOrdersPerGroup: PostgresWriter.maxOrdersPerCommit)
    private let metrics: WriterMetrics
    /// Where the projections' backfill stands, shared with the readers; the backfill runs here, one
    /// chunk between groups, while it is not complete.
    private let projections: ProjectionStatus
    private let backfillChunk: Int

    /// Orders per backfill chunk (one transaction each): short enough that ingest waits little behind it.
    package static let backfillChunk = 1_000

    init(
        metrics: WriterMetrics, projections: ProjectionStatus, backfillChunk: Int, writers: Int,
        open: @escaping () throws(PostgresError) -> PGConnection
    ) {
        self.lanes = (0..<max(1, writers)).map { _ in Lane() }
        self.metrics = metrics
        self.projections = projections
        self.backfillChunk = max(1, backfillChunk)
        self.open = open
    }

    func start() throws(StoreError) {
        try batches.start(threads: lanes.count) { [self] index in run(lanes[index], background: index == 0) }
    }

    /// Stores one batch atomically; returns once it is committed, or throws and stores nothing.
    func ingest(_ orders: [Order], source: String) throws(StoreError) -> IngestResult {
        try batches.submit(orders, source: source)
    }

    /// Stores a source event and what it produced (PostgresEvents), queued like a batch.
    func record(_ event: SourceEvent) throws(StoreError) -> IngestResult {
        try batches.submit(event: event)
    }

    var isRunning: Bool { batches.isRunning }

    var stats: WriterStatistics { batches.stats }

    /// Refuses new batches, commits what is queued and stops.
    func close() {
        batches.stop()
        for lane in lanes { lane.connection = nil }
    }

    /// One lane's thread; the first also runs the projections' backfill between its groups.
    private func run(_ lane: Lane, background: Bool) {
        // A paused backfill (after a failed chunk) is resumed by the queue's timed wait.
        while let group = batches.next(backgroundDue: background ? projections.nextChunk() : nil) {
            if group.isEmpty {
                backfillStep(lane)
                continue
            }
            // A server that cannot be reached fails every batch alike: no point trying each alone
            // (each would wait for its own connection attempt).
            batches.settle(
                group, metrics: metrics,
                retryAlone: { if case .unavailable = $0 { false } else { true } },
                commit: { commit($0, lane) })
        }
    }

    /// Stores one group with one call of ordersync_ingest; sets every batch's result.
    ///
    /// A connection that waited idle may have died meanwhile (the server restarted, a fail-over): when
    /// the call fails as unreachable on a connection opened before it, the group is sent once more on a
    /// new one. Safe even if the first call committed before the answer was lost: the dedup rules store
    /// nothing twice (the versions then count as unchanged, as for a client's own retry).
    private func commit(_ group: [PendingBatch], _ lane: Lane, retry: Bool = true) -> Bool {
        if group.contains(where: { $0.event != nil }) { return commitEach(group, lane) }
        let ingestedAt = Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText
        let reused = lane.connection != nil
        do {
            let connection = try connected(lane)
            let stored = try OrderAppend.run(
                group.flatMap { batch in batch.orders.map { ($0, batch.source) } }, ingestedAt: ingestedAt, on: connection)
            // After the commit, before anyone is answered: readers' validators move once the rows are
            // visible (sql/postgresql/functions/data_generation.sql).
            _ = try? connection.queryCached("SELECT nextval('ordersync_data_generation')")
            var item = 1
            for batch in group {
                var outcome = IngestResult()
                for _ in batch.orders {
                    if stored.contains(item) { outcome.inserted += 1 } else { outcome.unchanged += 1 }
                    item += 1
                }
                batch.result = .success(outcome)
            }
            return true
        } catch {
            let failure = StoreError.postgres(error)
            if case .unavailable = failure {
                lane.connection = nil
                if reused && retry { return commit(group, lane, retry: false) }
            }
            if let connection = lane.connection, !connection.isConnected { lane.connection = nil }
            for batch in group { batch.result = .failure(failure) }
            return false
        }
    }

    /// A group with source events: each batch in its own transaction (PostgresEvents: an event locks its
    /// keys first, and one transaction holding several events' locks could deadlock with another
    /// instance's). True when any committed; each batch's result is its own.
    private func commitEach(_ group: [PendingBatch], _ lane: Lane) -> Bool {
        var committed = false
        for batch in group {
            guard let event = batch.event else {
                committed = commit([batch], lane) || committed
                continue
            }
            let ingestedAt = Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText
            do {
                let connection = try connected(lane)
                batch.result = .success(try PostgresEvents.store(event, ingestedAt: ingestedAt, on: connection))
                _ = try? connection.queryCached("SELECT nextval('ordersync_data_generation')")
                committed = true
            } catch {
                if let connection = lane.connection, !connection.isConnected { lane.connection = nil }
                batch.result = .failure(StoreError.postgres(error))
            }
        }
        return committed
    }

    /// Projects the next chunk of orders for the backfill (ordersync_project_backfill) and reports it.
    /// Another instance may run chunks too: each takes the progress row's lock, so they follow each
    /// other, and this one stops once it sees the backfill complete.
    private func backfillStep(_ lane: Lane) {
        do {
            let connection = try connected(lane)
            let now = Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText
            let result = try connection.queryCached(
                "SELECT complete, orders, cursor FROM ordersync_project_backfill($1::integer, $2)",
                [.int64(Int64(backfillChunk)), .text(now)])
            guard let progress = try Self.progress(result) else {
                projections.abandon()
                return
            }
            // The chunk committed: readers' validators move (sql/postgresql/functions/data_generation.sql).
            _ = try? connection.queryCached("SELECT nextval('ordersync_data_generation')")
            projections.update(progress)
        } catch {
            if !(lane.connection?.isConnected ?? false) { lane.connection = nil }
            projections.failed(StoreError.postgres(error), now: Threads.monotonicSeconds())
        }
    }

    /// The progress row, read at open (nil: the database has no projections).
    static func projectionProgress(_ connection: PGConnection) throws(PostgresError) -> ProjectionProgress? {
        let exists = try connection.query("SELECT to_regclass('projection_progress') IS NOT NULL")
        guard exists.string(0, 0) == "t" else { return nil }
        return try progress(try connection.query("SELECT complete, orders, cursor FROM projection_progress WHERE id = 1"))
    }

    private static func progress(_ result: PGResult) throws(PostgresError) -> ProjectionProgress? {
        guard result.rowCount > 0 else { return nil }
        return ProjectionProgress(
            complete: result.string(0, 0) == "t", orders: Int(try result.int64(0, 1) ?? 0),
            cursor: result.string(0, 2) ?? "")
    }

    /// The writer's connection, opened again after it was lost.
    private func connected(_ lane: Lane) throws(PostgresError) -> PGConnection {
        if let connection = lane.connection, connection.isConnected { return connection }
        let fresh = try open()
        lane.connection = fresh
        return fresh
    }
}

/// One call of ordersync_ingest (sql/postgresql/functions/ordersync_ingest.sql): every order of a
/// group as arrays, one statement. Shared by the writer and the sync worker (PostgresSyncStore).
enum OrderAppend {
    /// The places (from 1) of the versions it stored; the others were unchanged.
    static func run(_ orders: [(order: Order, source: String)], ingestedAt: String, on connection: PGConnection)
        throws(PostgresError) -> Set<Int>
    {
        let result = try connection.queryCached(
            """
            SELECT item FROM ordersync_ingest(
                $1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8)
            """,
            [
                try PGArray.binaryText(orders.map(\.order.orderID)),
                try PGArray.binaryText(orders.map(\.order.orderDate)),
                try PGArray.binaryText(orders.map(\.order.status)),
                try PGArray.binaryText(orders.map(\.order.details)),
                try PGArray.binaryText(orders.map(\.order.updatedAt)),
                try PGArray.binaryText(orders.map(\.source)),
                try PGArray.binaryText(bytes: orders.map(\.order.payload)),
                .text(ingestedAt),
            ])
        var stored = Set<Int>()
        for row in 0..<result.rowCount {
            if let item = try result.int64(row, 0) { stored.insert(Int(item)) }
        }
        return stored
    }
}
