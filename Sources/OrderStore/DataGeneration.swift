import SQLite
import Synchronization

/// A number that changes whenever the database's data may have changed, whoever wrote it: this
/// process's writer or another process on the same file (the sync worker, `ordersync-sync`). Used as
/// the data half of HTTP validators (docs/contract.md §3, Caching).
///
/// SQLite's `PRAGMA data_version` changes on a connection when any *other* connection commits
/// (https://sqlite.org/pragma.html#pragma_data_version), but its values are per connection and cannot
/// be compared across the reader pool; so one read-only connection of its own is asked, under a lock,
/// and every change it sees moves a counter. The writer's commit count is added: it moves with the
/// commit itself, before any reader asks, and costs nothing.
package final class DataGeneration: Sendable {
    private struct State: ~Copyable {
        var connection: Connection?
        var lastVersion: Int64?
        var changes: UInt64 = 0
        var closed = false
    }

    private let path: String
    private let writer: OrderWriter
    // Mutex<State> holds a non-Sendable Connection: it is only ever used while the lock is held.
    private let state = Mutex<State>(State())

    init(path: String, writer: OrderWriter) {
        self.path = path
        self.writer = writer
    }

    /// The current generation: equal values mean no commit happened in between.
    package func current() throws(StoreError) -> String {
        let commits = writer.stats.commits
        let changes = try state.withLock { state throws(StoreError) -> UInt64 in
            if state.closed { throw .closed }
            do {
                if state.connection == nil {
                    let connection = try Connection(path: path, mode: .readOnly)
                    try connection.configureAsReader()
                    state.connection = connection
                }
                guard let connection = state.connection else { throw StoreError.closed }
                let version = try connection.scalarInt("PRAGMA data_version") ?? 0
                if let last = state.lastVersion, last != version { state.changes += 1 }
                state.lastVersion = version
                return state.changes
            } catch let error as SQLiteError {
                throw StoreError(error)
            } catch {
                throw StoreError.from(error)
            }
        }
        return "\(commits).\(changes)"
    }

    /// Closes the connection; later calls throw `.closed`.
    func close() {
        state.withLock {
            $0.closed = true
            $0.connection = nil
        }
    }
}
