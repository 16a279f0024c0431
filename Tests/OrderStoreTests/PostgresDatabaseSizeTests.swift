import Foundation
import PostgresStore
import Synchronization
import TestSupport
import Testing

/// The database size `/metrics` reports on PostgreSQL (`localSizes`, CachedDatabaseSize.swift):
/// pg_database_size, read at most every few seconds, the last value kept and the scrape never held
/// long when the server does not answer.
struct PostgresDatabaseSizeTests {
    @Test func theStoreReportsTheDatabaseSize() throws {
        let store = try PostgresStore(url: try PostgresCluster.shared().makeDatabase(), sqlDirectory: nil)
        defer { store.close() }
        let sizes = store.localSizes
        // An empty PostgreSQL database takes several MB (the catalogs); the schema adds to that.
        #expect(sizes.database > 1_000_000, "\(sizes)")
        #expect(sizes.wal == 0)
    }

    /// The server stopped: the scrape answers at once with the size read before, and again once the
    /// cached figure is older than its five seconds (the read fails; the last value stays).
    @Test func aStoppedServerKeepsTheLastSize() throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.remove() }
        let store = try PostgresStore(url: try cluster.makeDatabase(), sqlDirectory: nil)
        defer { store.close() }
        let before = store.localSizes.database
        #expect(before > 0)
        try cluster.stop(mode: .immediate)
        Thread.sleep(forTimeInterval: 5.5)
        for _ in 0..<3 {
            let start = Date()
            #expect(store.localSizes.database == before)
            #expect(Date().timeIntervalSince(start) < 2)
        }
    }

    /// A read that hangs (a dead network) holds no scrape beyond `scrapeWait`, and no second read
    /// starts beside it; a failed read keeps the last value; a fresh figure is not read again.
    @Test func aHangingReadNeverHoldsAScrape() throws {
        let cache = CachedDatabaseSize(maxAge: 0.2, scrapeWait: 0.3)
        let reads = Counter()
        #expect(cache.bytes { reads.next(42) } == 42)
        #expect(cache.bytes { 7 } == 42, "read again while fresh")
        #expect(reads.count == 1)

        Thread.sleep(forTimeInterval: 0.3)
        let release = DispatchSemaphore(value: 0)
        var start = Date()
        let hanging: @Sendable () throws -> Int = {
            _ = reads.next(0)
            release.wait()
            return 99
        }
        #expect(cache.bytes(read: hanging) == 42)
        let waited = Date().timeIntervalSince(start)
        #expect(waited >= 0.25 && waited < 2, "\(waited) s")
        start = Date()
        #expect(cache.bytes(read: hanging) == 42)
        #expect(Date().timeIntervalSince(start) < 0.2, "waited for a read it did not start")
        #expect(reads.count == 2)

        release.signal()
        Thread.sleep(forTimeInterval: 0.1)
        #expect(cache.bytes { 5 } == 99, "the hung read's figure, fresh now")
        Thread.sleep(forTimeInterval: 0.3)
        struct Down: Error {}
        #expect(cache.bytes { throw Down() } == 99)
    }
}

/// Counts the reads a cache started.
private final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    var count: Int { value.load(ordering: .relaxed) }

    /// Counts one read and returns `bytes`.
    func next(_ bytes: Int) -> Int {
        value.add(1, ordering: .relaxed)
        return bytes
    }
}
