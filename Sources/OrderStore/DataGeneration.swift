package import Storage
import SQLite
import Threads

/// A number that changes whenever the database's data may have changed, whoever wrote it: this
/// process's writer or another process on the same file (the sync worker, `ordersync-sync`). Used as
/// the data half of HTTP validators (docs/contract.md §3, Caching).
///
/// SQLite's `PRAGMA data_version` changes on a connection when any *other* connection commits
/// (https://sqlite.org/pragma.html#pragma_data_version), but its values are per connection and cannot
/// be compared across the reader pool; so one read-only connection of its own is asked, under a lock,
/// and every change it sees moves a counter. The writer's commit count is added: it moves with the
/// commit itself, before any reader asks, and costs nothing.
package final class DataGeneration: @unchecked Sendable {
    // @unchecked Sendable: every field below `lock` is read and written only while it is held. A pthread
    // mutex (Threads.Condition), not Synchronization.Mutex: the connection is opened by one request's
    // thread and used by another's, and ThreadSanitizer sees no ordering through Mutex's kernel slow
    // path, but does through a pthread mutex (.ci/tsan-suppressions.txt explains).
    private let lock = Condition()
    private var connection: Connection?
    private var lastVersion: Int64?
    private var changes: UInt64 = 0
    private var closed = false

    private let path: String
    private let writer: OrderWriter

    init(path: String, writer: OrderWriter) {
        self.path = path
        self.writer = writer
    }

    /// The current generation: equal values mean no commit happened in between.
    package func current() throws(StoreError) -> String {
        let commits = writer.stats.commits
        lock.lock()
        defer { lock.unlock() }
        if closed { throw .closed }
        do {
            if connection == nil {
                let opened = try Connection(path: path, mode: .readOnly)
                try opened.configureAsReader()
                connection = opened
            }
            guard let connection else { throw StoreError.closed }
            let version = try connection.scalarInt("PRAGMA data_version") ?? 0
            if let last = lastVersion, last != version { changes += 1 }
            lastVersion = version
        } catch let error as SQLiteError {
            throw StoreError(error)
        } catch {
            throw StoreError.from(error)
        }
        return "\(commits).\(changes)"
    }

    /// Closes the connection; later calls throw `.closed`.
    func close() {
        lock.lock()
        closed = true
        connection = nil
        lock.unlock()
    }
}
