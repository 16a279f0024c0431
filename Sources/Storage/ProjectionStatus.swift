import Synchronization

/// Whether the projections answer reads yet (docs/projections.md): shared by the writer, which runs
/// the backfill and reports each step, and the readers, which use the from-scratch views
/// (`*_scratch_v`) until it is complete.
package final class ProjectionStatus: Sendable {
    private struct State {
        var progress: ProjectionProgress?
        var failed = false
        /// After a failed chunk: no chunk before this (monotonic seconds).
        var pausedUntil = 0.0
        var failures = 0
    }

    /// Failed chunks in a row (a database locked by another process for longer than the busy timeout,
    /// a full disk) before the backfill gives up in this process; each waits `retryPause` first.
    package static let maxFailures = 10
    package static let retryPause = 5.0

    /// What the writer reports, for the log.
    package enum Event: Sendable {
        case progressed(ProjectionProgress)
        case failed(StoreError)
    }

    private let state: Mutex<State>
    private let listener: (@Sendable (Event) -> Void)?

    /// `progress` nil: the database has no projections (a SQL directory without them): reads use the
    /// views as they are.
    package init(_ progress: ProjectionProgress?, listener: (@Sendable (Event) -> Void)?) {
        state = Mutex(State(progress: progress))
        self.listener = listener
    }

    /// The backfill's position; nil when the database has no projections.
    package var progress: ProjectionProgress? { state.withLock { $0.progress } }

    /// True when reads may use the projection-backed views.
    package var answersReads: Bool { state.withLock { $0.progress?.complete ?? true } }

    /// False once the backfill failed in this process.
    package var backfillRunning: Bool { state.withLock { !$0.failed } }

    /// When the writer should run the next chunk: nil when none is pending, else the monotonic time
    /// it may (0: now).
    package func nextChunk() -> Double? {
        state.withLock { $0.failed || $0.progress.map { !$0.complete } != true ? nil : $0.pausedUntil }
    }

    /// Records a backfill step (writer thread) and tells the listener.
    package func update(_ progress: ProjectionProgress) {
        state.withLock {
            $0.progress = progress
            $0.failures = 0
        }
        listener?(.progressed(progress))
    }

    /// A chunk failed at monotonic time `now`: the next waits `retryPause`; after `maxFailures` in a row
    /// the backfill stops in this process (the next start resumes it). Reads keep using the
    /// from-scratch views meanwhile.
    package func failed(_ error: StoreError, now: Double) {
        state.withLock {
            $0.failures += 1
            $0.pausedUntil = now + Self.retryPause
            if $0.failures >= Self.maxFailures { $0.failed = true }
        }
        listener?(.failed(error))
    }

    /// Stops the backfill in this process (the progress row is gone: nothing to resume here).
    package func abandon() {
        state.withLock { $0.failed = true }
    }
}

/// Where the projections' backfill stands (the row of `projection_progress`, docs/projections.md).
package struct ProjectionProgress: Sendable, Equatable {
    package var complete: Bool
    /// Orders projected by the backfill so far.
    package var orders: Int
    /// The last order_id projected.
    package var cursor: String

    package init(complete: Bool, orders: Int, cursor: String) {
        self.complete = complete
        self.orders = orders
        self.cursor = cursor
    }
}
