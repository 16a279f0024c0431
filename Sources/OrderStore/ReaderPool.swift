import Storage
package import SQLite
import Threads

/// Read-only connections for queries, so reads never wait on the writer (WAL readers see the last
/// commit). Each connection is lent to one caller at a time; at most `capacity` exist.
package final class ReaderPool: Sendable {
    private let pool: BoundedPool<Connection>

    /// `capacity` readers at most; a caller waits up to `waitLimit` seconds for one to come free.
    package init(path: String, capacity: Int = 8, waitLimit: Double = 5) {
        pool = BoundedPool(capacity: capacity, waitLimit: waitLimit) { () throws(StoreError) -> Connection in
            do throws(SQLiteError) {
                let connection = try Connection(path: path, mode: .readOnly)
                try connection.configureAsReader()
                return connection
            } catch {
                throw StoreError(error)
            }
        }
    }

    /// Lends a reader to `body`; throws `.busy` when none came free in time.
    package func withReader<R>(_ body: (Connection) throws -> R) throws -> R {
        let connection = try pool.acquire()
        defer { pool.release(connection) }
        return try body(connection)
    }

    /// Lends a reader until the lease is released (or dropped): for a response that keeps reading
    /// while it streams. The connection's query deadline is cleared when it comes back.
    package func lease() throws -> ReaderLease {
        ReaderLease(connection: try pool.acquire(), pool: self)
    }

    fileprivate func giveBack(_ connection: Connection) {
        connection.setDeadline(nil)
        pool.release(connection)
    }

    /// Closes idle readers and refuses new loans; lent readers close when given back.
    package func close() { pool.close() }
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
