import PostgreSQL
import Storage

/// A bounded pool of PostgreSQL connections for reads (and the sync worker's writes). A connection
/// is lent to one caller at a time; at most `capacity` exist. One that comes back broken (the server
/// restarted, a fail-over) is dropped, and the next loan opens a new one, so the service recovers
/// by itself once the server answers again.
final class ConnectionPool: Sendable {
    private let pool: BoundedPool<PGConnection>
    /// The database's size for `/metrics`, read through this pool (CachedDatabaseSize.swift).
    let databaseSize = CachedDatabaseSize()

    init(capacity: Int, waitLimit: Double = 5, open: @escaping @Sendable () throws(PostgresError) -> PGConnection) {
        pool = BoundedPool(capacity: capacity, waitLimit: waitLimit) { () throws(StoreError) -> PGConnection in
            do throws(PostgresError) {
                return try open()
            } catch {
                throw StoreError(error)
            }
        }
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

    func acquire() throws(StoreError) -> PGConnection { try pool.acquire() }

    /// Takes a connection back: kept when it is healthy and idle, dropped otherwise.
    func release(_ connection: PGConnection) {
        if connection.transactionStatus != .idle { connection.rollbackQuietly() }
        pool.release(connection, reusable: connection.isConnected && connection.transactionStatus == .idle)
    }

    /// Closes idle connections and refuses new loans; lent ones close when given back.
    func close() { pool.close() }
}
