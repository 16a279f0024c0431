import Logging
import OrderStore
import Storage
import Synchronization
import Threads

/// Logs the projections' backfill (docs/projections.md): its start, progress at most every 5 s, its end
/// with the time it took, or its failure. Called on the writer's thread.
final class ProjectionLog: Sendable {
    private struct State {
        var started: Double?
        var lastLogged = 0.0
    }

    private let logger: Logger
    private let state = Mutex(State())
    static let interval = 5.0

    init(logger: Logger) {
        self.logger = logger
    }

    func record(_ event: ProjectionStatus.Event) {
        let now = Threads.monotonicSeconds()
        switch event {
        case .failed(let error):
            logger.error(
                "projection backfill chunk failed; retried in 5 s (10 failures in a row: the next start resumes it); reads use the from-scratch views meanwhile",
                metadata: ["error": .string("\(error)")])
        case .progressed(let progress):
            let (started, due) = state.withLock { state -> (Double, Bool) in
                let started = state.started ?? now
                state.started = started
                let due = progress.complete || now - state.lastLogged >= Self.interval
                if due { state.lastLogged = now }
                return (started, due)
            }
            guard due else { return }
            let metadata: Logger.Metadata = [
                "projected_orders": .stringConvertible(progress.orders), "cursor": .string(String(progress.cursor.prefix(64))),
                "seconds": .stringConvertible((now - started).rounded()),
            ]
            logger.info(
                progress.complete ? "projection backfill complete: reads use the projections" : "projection backfill",
                metadata: metadata)
        }
    }
}
