import PostgreSQL
import Threads

/// The database size `/metrics` reports on PostgreSQL (`localSizes`, the gauge
/// `ordersync_sqlite_database_size_bytes`): `pg_database_size(current_database())`, read at most once
/// per `maxAge` seconds, on a thread of its own, so a scrape never waits long for the database.
///
/// A scrape that finds the figure fresh gets it at once. One that finds it stale starts a read (unless
/// one runs already) and waits at most `scrapeWait` for it; past that, or when the read fails (the
/// server down, the network gone, every pooled connection busy), the scrape gets the last figure read
/// (0 before the first). A read that hangs (a dead network: until the connection's TCP timeouts end it)
/// holds no scrape, and no second read starts beside it.
///
/// `@unchecked Sendable`: `bytes`, `readAt` and `reading` are guarded by `condition`.
package final class CachedDatabaseSize: @unchecked Sendable {
    package let maxAge: Double
    package let scrapeWait: Double
    private let condition = Condition()
    private var bytes = 0
    /// When the last read ended (monotonic seconds), succeeded or not; nil before the first.
    private var readAt: Double?
    private var reading = false

    package init(maxAge: Double = 5, scrapeWait: Double = 0.5) {
        self.maxAge = maxAge
        self.scrapeWait = scrapeWait
    }

    /// The size in bytes, reading it through `read` when the last read is older than `maxAge`.
    package func bytes(read: @escaping @Sendable () throws -> Int) -> Int {
        condition.lock()
        defer { condition.unlock() }
        let now = Threads.monotonicSeconds()
        if let readAt, now - readAt < maxAge { return bytes }
        guard !reading else { return bytes }
        reading = true
        let started = Threads.start(stackSize: 1 << 20) { [self] in  // as the writer: libpq may connect (DNS, TLS)
            let read = try? read()
            condition.withLock {
                if let read, read >= 0 { bytes = read }
                readAt = Threads.monotonicSeconds()
                reading = false
                condition.broadcast()
            }
        }
        guard started else {
            reading = false
            return bytes
        }
        let deadline = now + scrapeWait
        while reading, condition.wait(untilMonotonic: deadline) {}
        return bytes
    }
}

extension ConnectionPool {
    /// `pg_database_size(current_database())` through a pooled connection, cached (`CachedDatabaseSize`).
    /// The WAL has no per-database size, so `localSizes` reports 0 for it on PostgreSQL.
    func databaseSizeBytes() -> Int {
        databaseSize.bytes { [self] in
            try withConnection { connection in
                Int(try connection.query("SELECT pg_database_size(current_database())").int64(0, 0) ?? 0)
            }
        }
    }
}
