import PostgreSQL
import Storage
import Threads

/// A bounded pool of PostgreSQL connections for reads (and the sync worker's writes). A connection
/// is lent to one caller at a time; at most `capacity` exist. One that comes back broken (the server
/// restarted, a fail-over) is dropped, and the next loan opens a new one, so the service recovers
/// by itself once the server answers again.
final class ConnectionPool: @unchecked Sendable {
    // @unchecked Sendable: `idle`, `created` and `closed` are guarded by `condition`; a lent
    // connection is used by exactly one thread until it is given back.
    private let open: () throws(PostgresError) -> PGConnection
    private let capacity: Int
    private let waitLimit: Double
    private let condition = Condition()
    private var idle: [PGConnection] = []
    private var created = 0
    private var closed = false

    init(capacity: Int, waitLimit: Double = 5, open: @escaping () throws(PostgresError) -> PGConnection) {
        self.capacity = max(1, capacity)
        self.waitLimit = waitLimit
        self.open = open
    }

    /// Lends a connection to `body`; throws `.busy` when none came free in time, `.unavailable` when
    /// the server cannot be reached.
    func withConnection<R>(_ body: (PGConnection) throws -> R) throws(StoreError) -> R {
        let connection = try acquire()
        do {
            let result = try body(connection)
            release(connection)
            return result
        } catch {
            release(connection)
            throw StoreError.postgres(error)
        }
    }

    func acquire() throws(StoreError) -> PGConnection {
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
                    return try open()
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

    /// Takes a connection back: kept when it is healthy and idle, dropped otherwise.
    func release(_ connection: PGConnection) {
        if connection.transactionStatus != .idle { connection.rollbackQuietly() }
        let reusable = connection.isConnected && connection.transactionStatus == .idle
        condition.lock()
        if closed || !reusable {
            created -= 1
        } else {
            idle.append(connection)
        }
        condition.signal()
        condition.unlock()
    }

    /// Closes idle connections and refuses new loans; lent ones close when given back.
    func close() {
        condition.lock()
        closed = true
        created -= idle.count
        idle.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
