import Foundation
import SQLite
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `ordersync backup` and `ordersync verify`.
@Suite struct BackupTests {
    @Test func backupWhileServingGivesAConsistentVerifiedCopy() throws {
        let directory = TemporaryDirectory()
        let dbPath = directory.file("live.db")
        let server = try ServerProcess(dbPath: dbPath)
        let port = server.port
        let stop = Atomic<Bool>(false)
        let acknowledged = Atomic<Int>(0)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            defer { done.signal() }
            guard let client = try? RawClient(port: port) else { return }
            var batch = 0
            while !stop.load(ordering: .relaxed) {
                guard (try? client.send(Request.post(Orders.batch((0..<50).map { "b\(batch)-\($0)" })))) != nil,
                    (try? client.readResponse())?.status == 200
                else { return }
                acknowledged.add(50, ordering: .relaxed)
                batch += 1
            }
        }
        while acknowledged.load(ordering: .relaxed) < 500 { usleep(2_000) }
        let copy = directory.file("copy.db")
        let backup = try runOrdersync(["backup", copy], environment: ["DB_PATH": dbPath])
        stop.store(true, ordering: .relaxed)
        done.wait()
        #expect(backup.status == 0, "\(backup.output)")
        #expect(backup.output.contains("order versions"))
        let rows = try Connection(path: copy, mode: .readOnly).scalarInt("SELECT count(*) FROM orders_raw") ?? 0
        #expect(rows >= 500)
        #expect(rows % 50 == 0, "a batch is all or nothing in the copy too")
        let verify = try runOrdersync(["verify", copy], environment: [:])
        #expect(verify.status == 0, "\(verify.output)")
        // A second backup to the same name is refused rather than overwriting it.
        #expect(try runOrdersync(["backup", copy], environment: ["DB_PATH": dbPath]).status != 0)
    }

    @Test func verifyRejectsGarbageAndForeignDatabases() throws {
        let directory = TemporaryDirectory()
        let garbage = directory.file("garbage.db")
        try Data((0..<4096).map { UInt8($0 % 251) }).write(to: URL(fileURLWithPath: garbage))
        let broken = try runOrdersync(["verify", garbage], environment: [:])
        #expect(broken.status != 0)
        #expect(broken.output.contains("failed verification"))
        let foreign = directory.file("foreign.db")
        try Connection(path: foreign, mode: .readWrite).execute("CREATE TABLE t (x)")
        let other = try runOrdersync(["verify", foreign], environment: [:])
        #expect(other.status != 0)
        #expect(other.output.contains("missing table orders_raw"))
        #expect(try runOrdersync(["verify", directory.file("absent.db")], environment: [:]).status != 0)
    }

    @Test func healthcheckAsksTheLocalServer() throws {
        let directory = TemporaryDirectory()
        let server = try ServerProcess(dbPath: directory.file("health.db"))
        #expect(try runOrdersync(["healthcheck", "--port", String(server.port)], environment: [:]).status == 0)
        server.signal(SIGTERM)
        _ = server.waitForExit()
        let down = try runOrdersync(["healthcheck", "--port", String(server.port)], environment: [:])
        #expect(down.status != 0)
        #expect(down.output.contains("nothing listens"))
    }
}
