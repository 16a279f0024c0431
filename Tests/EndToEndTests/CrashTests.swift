import Foundation
import SQLite
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Durability: a 200 means the rows are on disk, whatever happens to the process next.
@Suite(.serialized) struct CrashTests {
    /// Several clients ingest concurrently; the process is killed with SIGKILL mid-stream; a new
    /// process on the same file must hold every acknowledged order (and at most the in-flight extra).
    @Test func killDashNineLosesNoAcknowledgedOrder() throws {
        let directory = TemporaryDirectory()
        let dbPath = directory.file("crash.db")
        let server = try ServerProcess(dbPath: dbPath)
        let acknowledged = Mutex<[String]>([])
        let attempted = Mutex<Int>(0)
        let group = DispatchGroup()
        let stop = Atomic<Bool>(false)
        let port = server.port
        for worker in 0..<8 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                guard let client = try? RawClient(port: port, receiveTimeoutSeconds: 5) else { return }
                var sequence = 0
                while !stop.load(ordering: .relaxed) {
                    let ids = (0..<5).map { "w\(worker)-\(sequence)-\($0)" }
                    sequence += 1
                    attempted.withLock { $0 += ids.count }
                    guard (try? client.send(Request.post(Orders.batch(ids)))) != nil,
                        let response = try? client.readResponse(), response.status == 200
                    else { return }
                    acknowledged.withLock { $0 += ids }
                }
            }
        }
        // Let ingest run, then kill without warning.
        let deadline = Date().addingTimeInterval(30)
        while acknowledged.withLock({ $0.count }) < 2_000 && Date() < deadline { usleep(5_000) }
        #expect(acknowledged.withLock { $0.count } >= 2_000, "ingest did not get going: \(server.log.suffix(500))")
        server.signal(SIGKILL)
        stop.store(true, ordering: .relaxed)
        group.wait()
        _ = server.waitForExit()

        let restarted = try ServerProcess(dbPath: dbPath)
        let client = try RawClient(port: restarted.port)
        try client.send(Request.get("/"))
        let rows = try #require(try client.readResponse().json as? [[String: Any]])
        let stored = Set(rows.compactMap { $0["order_id"] as? String })
        let acked = acknowledged.withLock { $0 }
        let missing = acked.filter { !stored.contains($0) }
        #expect(missing.isEmpty, "lost \(missing.count) acknowledged orders, e.g. \(missing.prefix(3))")
        #expect(stored.count >= acked.count)
        #expect(stored.count <= attempted.withLock { $0 })
        restarted.signal(SIGTERM)
        #expect(restarted.waitForExit().status == 0)
    }

    @Test func sigtermDrainsAndExitsCleanly() throws {
        let directory = TemporaryDirectory()
        let dbPath = directory.file("term.db")
        let server = try ServerProcess(dbPath: dbPath)
        let client = try RawClient(port: server.port)
        try client.send(Request.post(Orders.batch(["t1", "t2"])))
        #expect(try client.readResponse().status == 200)
        server.signal(SIGTERM)
        let exit = server.waitForExit()
        #expect(exit.status == 0)
        #expect(exit.log.contains("\"stopped\""))
        // The WAL was checkpointed: the rows are in the main file and it opens cleanly.
        let db = try Connection(path: dbPath, mode: .readOnly)
        #expect(try db.scalarInt("SELECT count(*) FROM orders_raw") == 2)
    }

    @Test func aBrokenSQLFileStopsStartupNamingTheFile() throws {
        let directory = TemporaryDirectory()
        let sql = directory.file("sql")
        try FileManager.default.createDirectory(atPath: sql + "/tables", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: sql + "/views", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Repository.sqlDirectory + "/tables/orders_raw.sql", toPath: sql + "/tables/orders_raw.sql")
        try "CREATE VIEW broken_v AS SELEC 1;".write(
            toFile: sql + "/views/broken_v.sql", atomically: true, encoding: .utf8)
        let result = try runOrdersync(["migrate"], environment: ["DB_PATH": directory.file("x.db"), "SQL_DIR": sql])
        #expect(result.status != 0)
        #expect(result.output.contains("views/broken_v.sql"))
        #expect(result.output.contains("syntax error"))
    }

    @Test func anUnwritableDatabaseDirectoryFailsWithAMessage() throws {
        let result = try runOrdersync(
            ["migrate"],
            environment: ["DB_PATH": "/proc/ordersync-cannot-exist/x.db", "SQL_DIR": Repository.sqlDirectory])
        #expect(result.status != 0)
        #expect(result.output.contains("/proc/ordersync-cannot-exist"))
    }
}
