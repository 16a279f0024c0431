import Foundation
import SQLite
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension FaultTests {
    /// The disk fills up under a running server. A POST then gets a 507 problem document that names no
    /// file or SQL, and nothing is stored of it; what was acknowledged before stays; reads go on; and
    /// once space is back the next POST succeeds on the same process. The file passes integrity_check.
    @Test(arguments: SpaceShortage.allCases)
    func aFullDiskAnswers507KeepsReadingAndRecovers(_ shortage: SpaceShortage) throws {
        let directory = TemporaryDirectory()
        defer { withExtendedLifetime(directory) {} }
        var mount: TemporaryMount?
        defer { withExtendedLifetime(mount) {} }
        var dataDirectory = directory.path
        if shortage == .fullFileSystem {
            do {
                mount = try TemporaryMount.tmpfs(at: directory.file("small"), bytes: SpaceShortage.fileSystemBytes)
            } catch {
                try Test.cancel("a full file system needs a tmpfs mount, which is not allowed here: \(error)")
            }
            dataDirectory = mount?.path ?? dataDirectory
        }
        let dbPath = dataDirectory + "/full.db"
        let server = try ServerProcess(dbPath: dbPath, logDirectory: directory.path)
        let client = try RawClient(port: server.port)
        func post(_ ids: [String]) throws -> RawResponse {
            try client.send(Request.post(Orders.batch(ids)))
            return try client.readResponse()
        }
        let kept = (0..<60).map { "kept-\($0)" }
        for batch in stride(from: 0, to: kept.count, by: 20) {
            #expect(try post(Array(kept[batch..<batch + 20])).status == 200)
        }

        let restore: () throws -> Void
        do {
            restore = try shortage.begin(pid: server.pid, dbPath: dbPath)
        } catch let error as Unavailable {
            try Test.cancel("cannot take the space away here: \(error)")
        }
        let lost = (0..<20).map { "lost-\($0)" }
        let refused = try post(lost)
        #expect(refused.status == 507)
        #expect(refused.headers["content-type"] == "application/problem+json")
        let problem = try #require(refused.json as? [String: Any])
        #expect(problem["status"] as? Int == 507)
        #expect(problem["title"] as? String == "Insufficient Storage")
        #expect((problem["detail"] as? String)?.isEmpty == false)
        for secret in [dataDirectory, "full.db", "sqlite", "orders_raw", "insert", "i/o", "errno"] {
            #expect(!refused.text.lowercased().contains(secret.lowercased()), "the problem names \(secret)")
        }
        // Concurrent batches share a commit that fails, are retried one by one, and fail alone too.
        let statuses = try concurrentPosts(port: server.port, batches: 4, prefix: "lost-concurrent")
        #expect(statuses == [507, 507, 507, 507])

        // Reads go on while nothing can be written.
        try client.send(Request.get("/"))
        let listed = try #require(try client.readResponse().json as? [[String: Any]])
        #expect(Set(listed.compactMap { $0["order_id"] as? String }) == Set(kept))
        try client.send(Request.get("/orders/kept-7"))
        #expect(try client.readResponse().status == 200)
        // Ready stays 200: reads still work, and a 507 tells writers exactly what is wrong (docs/faults.md).
        try client.send(Request.get("/readyz"))
        #expect(try client.readResponse().status == 200)
        try client.send(Request.get("/metrics"))
        #expect(try client.readResponse().text.contains("ordersync_ingest_failed_batches_total 5"))

        // Space comes back: the same process stores again, and retrying the refused batch is safe.
        try restore()
        let after = (0..<20).map { "after-\($0)" }
        #expect(try post(after).status == 200)
        let retried = try post(lost)
        #expect(retried.status == 200)
        #expect(retried.text == "{\"inserted\":20,\"unchanged\":0}")

        server.signal(SIGTERM)
        let exit = server.waitForExit()
        #expect(exit.status == 0)
        #expect(exit.log.contains("database write failed: no space"))
        let db = try Connection(path: dbPath, mode: .readOnly)
        #expect(try db.scalarString("PRAGMA integrity_check") == "ok")
        let statement = try db.prepare("SELECT order_id FROM orders_raw")
        var stored: [String] = []
        while try statement.step() { stored.append(statement.string(0) ?? "") }
        #expect(stored.count == Set(stored).count, "an order stored twice")
        #expect(Set(stored) == Set(kept + after + lost))
    }

    /// `batches` clients post at the same moment (each a batch of 5 new orders); their statuses.
    private func concurrentPosts(port: UInt16, batches: Int, prefix: String) throws -> [Int] {
        let clients = try (0..<batches).map { _ in try RawClient(port: port) }
        for (index, client) in clients.enumerated() {
            try client.send(Request.post(Orders.batch((0..<5).map { "\(prefix)-\(index)-\($0)" })))
        }
        return try clients.map { try $0.readResponse().status }
    }
}
