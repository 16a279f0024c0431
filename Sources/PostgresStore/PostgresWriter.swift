import Dispatch
import OrderCore
import PostgreSQL
import Storage
import Threads

/// The write path on PostgreSQL: one thread, one connection, group commit. Requests queue their
/// batches; the thread takes every queued batch and stores them with one call of
/// `ordersync_ingest` (sql/postgresql/functions/ordersync_ingest.sql): one statement, so one
/// implicit transaction and one round trip, whose answer arrives only once it committed
/// (`synchronous_commit = on`, set on the session so no server default can weaken it). The dedup
/// rules run inside the database, under per-order locks, so any number of instances may share it.
///
/// When the group fails, each batch is tried alone, so one batch that cannot be stored does not take
/// the others down. When the connection is lost, the thread reconnects at the next group; a batch
/// whose answer was lost with the connection fails with `.unavailable` (it may or may not have been
/// committed: a retry is safe, the dedup rules make it idempotent).
final class PostgresWriter: @unchecked Sendable {
    // @unchecked Sendable: `connection` is touched only by the writer thread (and `init`/`close`
    // before it starts and after it ended); every other field is guarded by `condition`.
    static let maxOrdersPerCommit = 50_000

    private let open: () throws(PostgresError) -> PGConnection
    private var connection: PGConnection?
    private let condition = Condition()
    private var queue: [PendingBatch] = []
    private var state: State = .running
    private var statistics = WriterStatistics()
    private var started = false
    private let finished = DispatchSemaphore(value: 0)
    private let metrics: WriterMetrics

    private enum State { case running, stopping, stopped }

    init(metrics: WriterMetrics, open: @escaping () throws(PostgresError) -> PGConnection) {
        self.metrics = metrics
        self.open = open
    }

    func start() throws(StoreError) {
        condition.withLock { started = true }
        let running = Threads.start(stackSize: 1 << 20) { [self] in
            run()
            finished.signal()
        }
        if !running {
            condition.withLock { started = false }
            throw .failed(EngineFailure(code: "thread", message: "cannot start the writer thread"))
        }
    }

    /// Stores one batch atomically; returns once it is committed, or throws and stores nothing.
    func ingest(_ orders: [Order], source: String) throws(StoreError) -> IngestResult {
        let batch = PendingBatch(orders: orders, source: source)
        condition.lock()
        guard state == .running else {
            condition.unlock()
            throw .closed
        }
        queue.append(batch)
        condition.signal()
        condition.unlock()
        batch.done.wait()
        return try batch.result.get()
    }

    var isRunning: Bool {
        condition.lock()
        defer { condition.unlock() }
        return state == .running && started
    }

    var stats: WriterStatistics {
        condition.lock()
        defer { condition.unlock() }
        return statistics
    }

    /// Refuses new batches, commits what is queued and stops.
    func close() {
        condition.lock()
        let wasRunning = state == .running
        if wasRunning { state = .stopping }
        condition.broadcast()
        condition.unlock()
        let wasStarted = condition.withLock { started }
        if wasRunning && wasStarted { finished.wait() }
        connection = nil
    }

    // MARK: - Writer thread

    private func run() {
        while let group = nextGroup() {
            var (commits, seconds) = commitMeasured(group)
            // A server that cannot be reached fails every batch alike: no point trying each alone
            // (each would wait for its own connection attempt).
            let unreachable = group.contains { if case .failure(.unavailable) = $0.result { true } else { false } }
            if commits == 0 && group.count > 1 && !unreachable {
                for batch in group {
                    let (committed, elapsed) = commitMeasured([batch])
                    commits += committed
                    seconds += elapsed
                }
            }
            for batch in group { metrics.finished(batch.result) }
            condition.lock()
            statistics.commits += commits
            statistics.commitSeconds += seconds
            for batch in group {
                switch batch.result {
                case .success(let result):
                    statistics.batches += 1
                    statistics.inserted += result.inserted
                    statistics.unchanged += result.unchanged
                case .failure:
                    statistics.failedBatches += 1
                }
            }
            condition.unlock()
            for batch in group { batch.done.signal() }
        }
        condition.lock()
        state = .stopped
        condition.unlock()
    }

    private func nextGroup() -> [PendingBatch]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && state == .running { condition.wait() }
        if queue.isEmpty { return nil }
        var taken = 0
        var count = 0
        for batch in queue {
            if count > 0 && count + batch.orders.count > PostgresWriter.maxOrdersPerCommit { break }
            count += batch.orders.count
            taken += 1
        }
        let group = Array(queue.prefix(taken))
        queue.removeFirst(taken)
        return group
    }

    private func commitMeasured(_ batches: [PendingBatch]) -> (commits: Int, seconds: Double) {
        let begin = Threads.monotonicSeconds()
        let committed = commit(batches)
        let seconds = Threads.monotonicSeconds() - begin
        guard committed else { return (0, seconds) }
        var rows = 0
        for batch in batches { rows += (try? batch.result.get().inserted) ?? 0 }
        metrics.committed(seconds: seconds, rows: rows, batches: batches.count)
        return (1, seconds)
    }

    /// Stores one group with one call of ordersync_ingest; sets every batch's result.
    private func commit(_ group: [PendingBatch]) -> Bool {
        let ingestedAt = Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText
        var ids: [String?] = [], dates: [String?] = [], statuses: [String?] = [], details: [String?] = []
        var updated: [String?] = [], sources: [String?] = [], payloads: [String?] = []
        for batch in group {
            for order in batch.orders {
                ids.append(order.orderID)
                dates.append(order.orderDate)
                statuses.append(order.status)
                details.append(order.details)
                updated.append(order.updatedAt)
                sources.append(batch.source)
                payloads.append(String(decoding: order.payload, as: UTF8.self))
            }
        }
        do {
            let connection = try connected()
            let result = try connection.queryCached(
                "SELECT item FROM ordersync_ingest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8)",
                [
                    .text(PGArray.text(ids)), .text(PGArray.text(dates)), .text(PGArray.text(statuses)),
                    .text(PGArray.text(details)), .text(PGArray.text(updated)), .text(PGArray.text(sources)),
                    .text(PGArray.text(payloads)), .text(ingestedAt),
                ])
            // After the commit, before anyone is answered: readers' validators move once the rows are
            // visible (sql/postgresql/functions/data_generation.sql).
            _ = try? connection.queryCached("SELECT nextval('ordersync_data_generation')")
            var stored = Set<Int>()
            for row in 0..<result.rowCount {
                if let item = try result.int64(row, 0) { stored.insert(Int(item)) }
            }
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
            if case .unavailable = failure { self.connection = nil }
            if let connection, !connection.isConnected { self.connection = nil }
            for batch in group { batch.result = .failure(failure) }
            return false
        }
    }

    /// The writer's connection, opened again after it was lost.
    private func connected() throws(PostgresError) -> PGConnection {
        if let connection, connection.isConnected { return connection }
        let fresh = try open()
        connection = fresh
        return fresh
    }
}

/// One caller's batch on its way through the writer.
final class PendingBatch: @unchecked Sendable {
    // @unchecked Sendable: `result` is written by the writer thread before `done` is signalled and read
    // by the caller only after `done.wait()`; the semaphore orders the two.
    let orders: [Order]
    let source: String
    var result: Result<IngestResult, StoreError> = .failure(.closed)
    let done = DispatchSemaphore(value: 0)

    init(orders: [Order], source: String) {
        self.orders = orders
        self.source = source
    }
}
