import Dispatch
package import OrderCore
import Threads

/// The queue behind group commit, shared by both engines' writers (Sources/OrderStore/OrderWriter.swift,
/// Sources/PostgresStore/PostgresWriter.swift). Requests hand in whole batches and block until theirs is
/// committed; the writer thread takes every batch queued while its previous commit ran and commits them
/// together. Nobody waits on a timer: the batching comes from requests that arrive while the disk (or
/// the database server) is busy.
package final class BatchQueue: @unchecked Sendable {
    // @unchecked Sendable: every field is guarded by `condition`.
    private let condition = Condition()
    private var queue: [PendingBatch] = []
    private var state: State = .running
    private var started = false
    /// Writer threads still running.
    private var running = 0
    private var statistics = WriterStatistics()
    /// The background work (the SQLite projections' backfill) takes turns with groups.
    private var backgroundTurn = true
    private let maxOrdersPerGroup: Int
    private let finished = DispatchSemaphore(value: 0)

    private enum State { case running, stopping, stopped }

    package init(maxOrdersPerGroup: Int) {
        self.maxOrdersPerGroup = maxOrdersPerGroup
    }

    /// Starts the writer thread: `body` runs until `next` returns nil. Throws when the system cannot
    /// create a thread.
    package func start(_ body: @escaping @Sendable () -> Void) throws(StoreError) {
        try start(threads: 1) { _ in body() }
    }

    /// Starts `threads` writer threads taking groups from this one queue (PostgreSQL's writer: a
    /// database server commits several transactions at once); `body` gets the thread's index (0 runs
    /// the background work) and runs until `next` returns nil. Throws when the system cannot create
    /// the first thread; fewer threads run when it cannot create the others.
    package func start(threads: Int, _ body: @escaping @Sendable (Int) -> Void) throws(StoreError) {
        condition.withLock { started = true }
        for index in 0..<max(1, threads) {
            condition.withLock { running += 1 }
            let created = Threads.start(stackSize: 1 << 20) { [self] in
                body(index)
                let last = condition.withLock { () -> Bool in
                    running -= 1
                    if running == 0 { state = .stopped }
                    return running == 0
                }
                if last { finished.signal() }
            }
            if !created {
                condition.withLock { running -= 1 }
                if index == 0 {
                    condition.withLock { started = false }
                    throw .failed(EngineFailure(code: "thread", message: "cannot start the writer thread"))
                }
                break
            }
        }
    }

    /// Queues one batch and waits until the writer settled it: committed, or failed with nothing stored.
    package func submit(_ orders: [Order], source: String) throws(StoreError) -> IngestResult {
        try submit(PendingBatch(orders: orders, source: source, event: nil))
    }

    /// Queues a source event (its orders count towards the group's bound) and waits like `submit`.
    package func submit(event: SourceEvent) throws(StoreError) -> IngestResult {
        try submit(PendingBatch(orders: event.orders, source: event.source, event: event))
    }

    private func submit(_ batch: PendingBatch) throws(StoreError) -> IngestResult {
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

    /// The writer thread's next group: every queued batch up to the per-group bound; nil once stopped
    /// and drained. With `backgroundDue` (monotonic seconds when background work may run; nil for
    /// none), an empty group when it is the background's turn: it alternates with groups, so neither
    /// starves, and an idle queue waits only until it is due.
    package func next(backgroundDue: Double? = nil) -> [PendingBatch]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && state == .running {
            guard let backgroundDue else {
                condition.wait()
                continue
            }
            if backgroundDue <= Threads.monotonicSeconds() || !condition.wait(untilMonotonic: backgroundDue) { break }
        }
        let due = backgroundDue.map { $0 <= Threads.monotonicSeconds() } ?? false
        if state == .running && due && (queue.isEmpty || backgroundTurn) {
            backgroundTurn = false
            return []
        }
        backgroundTurn = true
        if queue.isEmpty { return nil }
        var taken = 0
        var count = 0
        for batch in queue {
            if count > 0 && count + batch.orders.count > maxOrdersPerGroup { break }
            count += batch.orders.count
            taken += 1
        }
        let group = Array(queue.prefix(taken))
        queue.removeFirst(taken)
        return group
    }

    /// Commits `group` with `commit` (true when it committed; it sets every batch's result). A failed
    /// group of several batches is tried batch by batch, so one that cannot be stored does not take the
    /// others down, unless `retryAlone` says the failure would hit each of them anyway. Then records
    /// the outcome in the metrics and counters and wakes the callers.
    package func settle(
        _ group: [PendingBatch], metrics: WriterMetrics, retryAlone: (StoreError) -> Bool = { _ in true },
        commit: ([PendingBatch]) -> Bool
    ) {
        var (commits, seconds) = measured(group, metrics, commit)
        let failure = group.lazy.compactMap { batch -> StoreError? in
            if case .failure(let error) = batch.result { error } else { nil }
        }.first
        if commits == 0 && group.count > 1, let failure, retryAlone(failure) {
            for batch in group {
                let (committed, elapsed) = measured([batch], metrics, commit)
                commits += committed
                seconds += elapsed
            }
        }
        // Metrics before the callers wake: a response that was sent is already counted.
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

    /// `commit`, timed: (1, seconds) when it committed, (0, seconds) when it did not. A committed group
    /// is observed in the commit histograms.
    private func measured(
        _ batches: [PendingBatch], _ metrics: WriterMetrics, _ commit: ([PendingBatch]) -> Bool
    ) -> (commits: Int, seconds: Double) {
        let begin = Threads.monotonicSeconds()
        let committed = commit(batches)
        let seconds = Threads.monotonicSeconds() - begin
        guard committed else { return (0, seconds) }
        var rows = 0
        for batch in batches { rows += (try? batch.result.get().inserted) ?? 0 }
        metrics.committed(seconds: seconds, rows: rows, batches: batches.count)
        return (1, seconds)
    }

    /// True while batches are accepted.
    package var isRunning: Bool {
        condition.lock()
        defer { condition.unlock() }
        return state == .running && started
    }

    /// A snapshot of the counters.
    package var stats: WriterStatistics {
        condition.lock()
        defer { condition.unlock() }
        return statistics
    }

    /// Refuses new batches; returns once the writer threads committed what was queued and ended.
    package func stop() {
        condition.lock()
        let wasRunning = state == .running
        if wasRunning { state = .stopping }
        condition.broadcast()
        let wasStarted = started
        condition.unlock()
        if wasRunning && wasStarted { finished.wait() }
    }
}

/// One caller's batch on its way through a writer.
package final class PendingBatch: @unchecked Sendable {
    // @unchecked Sendable: `result` is written by the writer thread before `done` is signalled and read
    // by the caller only after `done.wait()`; the semaphore orders the two.
    package let orders: [Order]
    package let source: String
    /// Set for a source event: the writer checks its keys and stores it beside its orders.
    package let event: SourceEvent?
    package var result: Result<IngestResult, StoreError> = .failure(.closed)
    let done = DispatchSemaphore(value: 0)

    init(orders: [Order], source: String, event: SourceEvent?) {
        self.orders = orders
        self.source = source
        self.event = event
    }
}
