import Foundation
import OrderCore
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `ordersync serve` on PostgreSQL (DATABASE_URL), as real processes over real sockets: several
/// instances on one database, one killed with SIGKILL under load, the database restarted under load,
/// and a password that never shows (issue 11, docs/postgresql.md).
@Suite(.serialized) struct PostgresEndToEndTests {
    /// Three instances share a database; eight clients post to all of them, the same batches to
    /// different instances at once and batches of their own; one instance is killed mid-load. Every
    /// acknowledged order is there once, with one version: nothing lost, nothing doubled.
    @Test func threeInstancesOneKilledNothingLostNothingDoubled() throws {
        let url = try PostgresCluster.shared().makeDatabase()
        let servers = try (0..<3).map { _ in
            try ServerProcess(dbPath: nil, environment: ["DATABASE_URL": url])
        }
        let ports = servers.map(\.port)
        let acknowledged = Mutex<Set<String>>([])
        let attempted = Mutex<Set<String>>([])
        let stop = Atomic<Bool>(false)
        let group = DispatchGroup()
        for worker in 0..<8 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                var sequence = 0
                while !stop.load(ordering: .relaxed) {
                    // Pairs of workers send the same shared ids, each to another instance.
                    let ids = (0..<5).map { "shared-\(worker / 2)-\(sequence)-\($0)" } + ["own-\(worker)-\(sequence)"]
                    let port = ports[(worker + sequence) % 3]
                    sequence += 1
                    attempted.withLock { $0.formUnion(ids) }
                    guard let client = try? RawClient(port: port, receiveTimeoutSeconds: 10),
                        (try? client.send(Request.post(Orders.batch(ids)))) != nil,
                        let response = try? client.readResponse(), response.status == 200
                    else { continue }  // the killed instance: try the next one
                    acknowledged.withLock { $0.formUnion(ids) }
                }
            }
        }
        let deadline = Date().addingTimeInterval(30)
        while acknowledged.withLock({ $0.count }) < 1_500 && Date() < deadline { usleep(10_000) }
        #expect(acknowledged.withLock { $0.count } >= 1_500, "ingest did not get going: \(servers[0].log.suffix(500))")
        servers[0].signal(SIGKILL)
        usleep(500_000)  // the others keep taking the load meanwhile
        stop.store(true, ordering: .relaxed)
        group.wait()
        _ = servers[0].waitForExit()

        let client = try RawClient(port: servers[1].port)
        try client.send(Request.get("/"))
        let rows = try #require(try client.readResponse().json as? [[String: Any]])
        let stored = rows.compactMap { $0["order_id"] as? String }
        let acked = acknowledged.withLock { $0 }
        let missing = acked.subtracting(stored)
        #expect(missing.isEmpty, "lost \(missing.count) acknowledged orders, e.g. \(missing.prefix(3))")
        #expect(Set(stored).count == stored.count)
        #expect(Set(stored).isSubset(of: attempted.withLock { $0 }))
        let doubled = rows.filter { ($0["versions"] as? Int) != 1 }
        #expect(doubled.isEmpty, "orders stored more than once: \(doubled.prefix(3))")
        for server in servers.dropFirst() {
            server.signal(SIGTERM)
            #expect(server.waitForExit().status == 0)
        }
    }

    /// The database restarts under load: requests fail with 503 (never 500, never a hang), the instance
    /// recovers by itself, and every acknowledged order is stored.
    @Test func aDatabaseRestartIsAnsweredWith503AndRecovered() throws {
        let cluster = try PostgresCluster.start()
        defer { try? cluster.stop(mode: .immediate) }
        let server = try ServerProcess(dbPath: nil, environment: ["DATABASE_URL": try cluster.makeDatabase()])
        defer { server.signal(SIGKILL) }
        var acknowledged: [String] = []
        var statuses: [Int] = []
        for sequence in 0..<60 {
            if sequence == 20 { try cluster.stop(mode: .immediate) }
            if sequence == 30 { try cluster.restart() }
            let ids = ["r-\(sequence)"]
            let client = try RawClient(port: server.port, receiveTimeoutSeconds: 20)
            try client.send(Request.post(Orders.batch(ids)))
            let status = try client.readResponse().status
            statuses.append(status)
            if status == 200 { acknowledged += ids }
        }
        #expect(statuses[20..<30].allSatisfy { $0 == 503 }, "\(statuses)")
        #expect(statuses[..<20].allSatisfy { $0 == 200 } && statuses[31...].allSatisfy { $0 == 200 }, "\(statuses)")
        let client = try RawClient(port: server.port)
        try client.send(Request.get("/"))
        let stored = Set(try #require(try client.readResponse().json as? [[String: Any]]).compactMap { $0["order_id"] as? String })
        #expect(Set(acknowledged).isSubset(of: stored))
        try client.send(Request.get("/readyz"))
        #expect(String(decoding: try client.readResponse().body, as: UTF8.self).contains("\"engine\":\"postgresql\""))
    }

    /// Broken DATABASE_URL settings stop the start with one clear line, exit 1, and never fall back to
    /// SQLite: another scheme, DB_PATH beside it, both it and its _FILE, and a server nobody answers on.
    @Test func aBrokenDatabaseSettingStopsTheStartClearly() throws {
        let directory = TemporaryDirectory()
        let urlFile = directory.file("url")
        try "postgresql://127.0.0.1:1/x\n".write(toFile: urlFile, atomically: true, encoding: .utf8)
        let cases: [(environment: [String: String], says: String)] = [
            (["DATABASE_URL": "mysql://u:pw@h/db"], "postgres:// or postgresql://"),
            (["DATABASE_URL": "postgresql://127.0.0.1:1/x", "DB_PATH": directory.file("o.db")], "not both"),
            (["DATABASE_URL": "postgresql://127.0.0.1:1/x", "DATABASE_URL_FILE": urlFile], "not both"),
            (["DATABASE_URL_FILE": urlFile], "cannot connect to PostgreSQL"),
            (["DATABASE_URL": "postgresql://u:secret-pw@127.0.0.1:1/x"], "127.0.0.1"),
        ]
        for (environment, says) in cases {
            let run = try runProgramKeepingErrors(
                Repository.executable, ["serve"],
                environment: environment.merging(["PORT": "0", "LOG_FORMAT": "text"]) { $1 }, mergeErrors: true,
                hangSeconds: 60)
            #expect(run.status == 1, "\(environment): \(run.output)")
            #expect(run.output.contains(says), "\(environment): \(run.output)")
            #expect(!run.output.contains("secret-pw") && !run.output.contains("u:pw"), "\(run.output)")
            #expect(!FileManager.default.fileExists(atPath: directory.file("o.db")))
        }
    }

    /// The password of DATABASE_URL appears in no log line, neither on a good start nor on a refused one.
    @Test func thePasswordNeverShows() throws {
        let cluster = try PostgresCluster.shared()
        let url = try cluster.makeDatabase()
        let database = String(url.split(separator: "/").last ?? "")
        // PostgreSQL 15: the owner of a database may create in its public schema.
        _ = try cluster.psql("ALTER DATABASE \(database) OWNER TO \(cluster.passwordUser)")
        let good = try ServerProcess(dbPath: nil, environment: ["DATABASE_URL": cluster.passwordURL(database: database)])
        let client = try RawClient(port: good.port)
        try client.send(Request.post(Orders.batch(["p-1"])))
        #expect(try client.readResponse().status == 200)
        good.signal(SIGTERM)
        let log = good.waitForExit().log
        #expect(!log.contains(cluster.password))
        #expect(log.contains("127.0.0.1"))

        let wrong = "not-the-password-\(UInt32.random(in: 0...UInt32.max))"
        let refused = try? ServerProcess(
            dbPath: nil, environment: ["DATABASE_URL": cluster.passwordURL(database: database, password: wrong)])
        #expect(refused == nil)
        // The refused start's log: ServerProcess.Failed carries it.
        do {
            _ = try ServerProcess(
                dbPath: nil, environment: ["DATABASE_URL": cluster.passwordURL(database: database, password: wrong)])
        } catch {
            let text = "\(error)"
            #expect(!text.contains(wrong))
            #expect(text.contains("127.0.0.1"), "\(text)")
        }
    }
}

/// The sync on PostgreSQL: `/sync` on any instance stores into the shared database, and one run at a
/// time across all instances (a second trigger elsewhere gets 409 naming the run).
@Suite(.serialized) struct PostgresSyncEndToEndTests {
    @Test func oneRunAtATimeAcrossInstancesEveryRecordOnce() throws {
        let cluster = try PostgresCluster.shared()
        let url = try cluster.makeDatabase()
        let database = String(url.split(separator: "/").last ?? "")
        func scalar(_ sql: String) throws -> Int {
            Int(try cluster.psql(sql, database: database).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }
        let fakes = try FakeProviders(arguments: ["--orders", "300", "--contacts", "200", "--customers", "12"])
        let environment = fakes.environment.merging(["DATABASE_URL": url]) { $1 }
        let first = try ServerProcess(dbPath: nil, environment: environment)
        let second = try ServerProcess(dbPath: nil, environment: environment)

        // The first run hangs on its first Shopify page; a trigger on the other instance meanwhile: 409.
        try fakes.inject("[{\"provider\":\"shopify\",\"kind\":\"slow\",\"delay_ms\":3000,\"count\":1}]")
        let running = Process()
        running.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        running.arguments = ["-s", "-X", "POST", "-w", "\n%{http_code}", "http://127.0.0.1:\(first.port)/sync"]
        let output = Pipe()
        running.standardOutput = output
        try running.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, (try? scalar("SELECT count(*) FROM sync_runs WHERE status = 'running'")) != 1 {
            usleep(20_000)
        }
        let (_, busy) = try runProgram(
            "/usr/bin/curl", ["-s", "-X", "POST", "-w", "\n%{http_code}", "http://127.0.0.1:\(second.port)/sync"],
            includeErrors: false)
        #expect(busy.hasSuffix("\n409"), "\(busy)")
        #expect(busy.contains("sync run 1 is running"), "\(busy)")

        let answer = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        running.waitUntilExit()
        #expect(answer.hasSuffix("\n200"), "\(answer) \(first.log.suffix(2_000))")
        // 200 means committed; a second run (on the other instance) fetches again and doubles nothing.
        #expect(try scalar("SELECT count(DISTINCT source_id) FROM source_records WHERE source = 'shopify'") == 300)
        let (_, again) = try runProgram(
            "/usr/bin/curl", ["-s", "-X", "POST", "-w", "\n%{http_code}", "http://127.0.0.1:\(second.port)/sync"],
            includeErrors: false)
        #expect(again.hasSuffix("\n200"), "\(again)")
        #expect(
            try scalar(
                "SELECT count(*) FROM (SELECT 1 FROM source_records GROUP BY source, source_id, payload HAVING count(*) > 1) AS d"
            ) == 0)
        #expect(try scalar("SELECT count(*) FROM latest_order_v WHERE source = 'shopify'") == 300)
        #expect(try scalar("SELECT count(*) FROM sync_runs WHERE status = 'succeeded'") == 2)
        #expect(try scalar("SELECT count(*) FROM customer_profiles_v") > 0)
        for server in [first, second] {
            server.signal(SIGTERM)
            #expect(server.waitForExit().status == 0)
        }
    }

    /// The same provider data synced into SQLite and into PostgreSQL: `ordersync export customers` and
    /// `ordersync query` give the same profiles and rows on both engines; backup on PostgreSQL says
    /// what to use instead.
    @Test func theToolsReadPostgreSQLAsTheyReadSQLite() throws {
        let fakes = try FakeProviders(arguments: ["--orders", "200", "--contacts", "300", "--customers", "24"])
        let directory = TemporaryDirectory()
        let engines: [[String: String]] = [
            ["DB_PATH": directory.file("tools.db")], ["DATABASE_URL": try PostgresCluster.shared().makeDatabase()],
        ]
        var exports: [JSONValue] = []
        var queries: [String] = []
        for engine in engines {
            let environment = fakes.environment.merging(engine) { $1 }.merging(["SQL_DIR": Repository.sqlDirectory]) { $1 }
            let (synced, log) = try runOrdersync(["sync"], environment: environment)
            #expect(synced == 0, "\(log)")
            let output = directory.file("customers-\(exports.count).json")
            let (status, text) = try runOrdersync(["export", "customers", "--output", output], environment: engine)
            #expect(status == 0, "\(text)")
            exports.append(try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: output)))))
            let (queried, rows) = try runOrdersync(
                ["query", "status_stages_v", "--format", "csv", "--where", "stage__ieq=SHIPPED"], environment: engine)
            #expect(queried == 0, "\(rows)")
            queries.append(rows)
        }
        #expect(exports[0]["customers"] == exports[1]["customers"])
        #expect((exports[0]["customers"]?.elements.count ?? 0) > 0)
        #expect(exports[0]["metadata"]?["quality"] == exports[1]["metadata"]?["quality"])
        #expect(queries[0] == queries[1])
        #expect(queries[0].split(whereSeparator: \.isNewline).count > 1, "\(queries[0])")
        let (backup, message) = try runOrdersync([
            "backup", directory.file("copy.db")], environment: engines[1])
        #expect(backup != 0)
        #expect(message.contains("pg_dump"))
    }
}
