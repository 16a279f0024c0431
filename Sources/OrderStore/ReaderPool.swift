import Storage
package import SQLite
import Threads

/// Read-only connections for queries, so reads never wait on the writer (WAL readers see the last
/// commit). Each connection is lent to one caller at a time; at most `capacity` exist.
package final class ReaderPool: @unchecked Sendable {
    // @unchecked Sendable: `idle`, `created` and `closed` are guarded by `condition`; a lent
    // connection is used by exactly one thread until it is given back.

    private let path: String
    private let capacity: Int
    private let waitLimit: Double
    private let condition = Condition()
    private var idle: [Connection] = []
    private var created = 0
    private var closed = false

    /// `capacity` readers at most; a caller waits up to `waitLimit` seconds for one to come free.
    package init(path: String, capacity: Int = 8, waitLimit: Double = 5) {
        self.path = path
        self.capacity = max(1, capacity)
        self.waitLimit = waitLimit
    }

    /// Lends a reader to `body`; throws `.busy` when none came free in time.
    package func withReader<R>(_ body: (Connection) throws -> R) throws -> R {
        let connection = try acquire()
        defer { release(connection) }
        return try body(connection)
    }

    /// Lends a reader until the lease is released (or dropped): for a response that keeps reading
    /// while it streams. The connection's query deadline is cleared when it comes back.
    package func lease() throws -> ReaderLease {
        ReaderLease(connection: try acquire(), pool: self)
    }

    fileprivate func giveBack(_ connection: Connection) {
        connection.setDeadline(nil)
        release(connection)
    }

    private func acquire() throws(StoreError) -> Connection {
        condition.lock()
        let deadline = Threads.monotonicSeconds() + waitLimit
        while true {
            if closed {
                condition.unlock()
                throw .closed
            }
            if let connection = idle.popLast() {
                condition.unlock()
                return connection
            }
            if created < capacity {
                created += 1
                condition.unlock()
                do {
                    let connection = try Connection(path: path, mode: .readOnly)
                    try connection.configureAsReader()
                    return connection
                } catch {
                    condition.lock()
                    created -= 1
                    condition.signal()
                    condition.unlock()
                    throw StoreError(error)
                }
            }
            if !condition.wait(untilMonotonic: deadline) {
                condition.unlock()
                throw .busy
            }
        }
    }

    private func release(_ connection: Connection) {
        condition.lock()
        if closed {
            created -= 1
        } else {
            idle.append(connection)
        }
        condition.signal()
        condition.unlock()
    }

    /// Closes idle readers and refuses new loans; lent readers close when given back.
    package func close() {
        condition.lock()
        closed = true
        created -= idle.count
        idle.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}

/// A reader lent until released; releasing twice is harmless.
package final class ReaderLease: @unchecked Sendable {
    // @unchecked Sendable: a lease moves from the handler into the response stream that uses it; only
    // one thread uses it at a time, and `release` is guarded.
    package let connection: Connection
    private let pool: ReaderPool
    private let released = Condition()
    private var done = false

    fileprivate init(connection: Connection, pool: ReaderPool) {
        self.connection = connection
        self.pool = pool
    }

    package func release() {
        let first = released.withLock {
            defer { done = true }
            return !done
        }
        if first { pool.giveBack(connection) }
    }

    deinit { release() }
}
