import Synchronization

/// Whether the projections answer reads yet (docs/projections.md): shared by the writer, which runs
/// the backfill and reports each step, and the readers, which use the from-scratch views
/// (`*_scratch_v`) until it is complete.
package final class ProjectionStatus: Sendable {
    private struct State {
        var progress: Projector.Progress?
        var failed = false
    }

    /// What the writer reports, for the log.
    package enum Event: Sendable {
        case progressed(Projector.Progress)
        case failed(StoreError)
    }

    private let state: Mutex<State>
    private let listener: (@Sendable (Event) -> Void)?

    /// `progress` nil: the database has no projections (a SQL directory without them): reads use the
    /// views as they are.
    init(_ progress: Projector.Progress?, listener: (@Sendable (Event) -> Void)?) {
        state = Mutex(State(progress: progress))
        self.listener = listener
    }

    /// The backfill's position; nil when the database has no projections.
    package var progress: Projector.Progress? { state.withLock { $0.progress } }

    /// True when reads may use the projection-backed views.
    package var answersReads: Bool { state.withLock { $0.progress?.complete ?? true } }

    /// False once the backfill failed in this process.
    package var backfillRunning: Bool { state.withLock { !$0.failed } }

    /// True while the writer still has orders to project.
    var backfillPending: Bool { state.withLock { !$0.failed && $0.progress.map { !$0.complete } == true } }

    /// Records a backfill step (writer thread) and tells the listener.
    func update(_ progress: Projector.Progress) {
        state.withLock { $0.progress = progress }
        listener?(.progressed(progress))
    }

    /// Stops the backfill in this process after a failure (the next start resumes it); reads keep
    /// using the from-scratch views.
    func abandon(_ error: StoreError? = nil) {
        state.withLock { $0.failed = true }
        if let error { listener?(.failed(error)) }
    }
}
