import Foundation
import SQLite
import Testing

/// Issue 10 item 4 with real processes: a database written by the previous release (its `sql/`: the
/// views from scratch, no migration) is served by this one: migration 0001 applied and logged, the
/// backfill logged while `/healthz` reports it and reads answer from the twins, then complete; `ordersync
/// verify` (sample and `--full`) agrees, and catches a projection that was tampered with.
@Suite struct ProjectionUpgradeTests {
    static let deadline = 120.0

    /// The previous release's `sql/`: each projection-backed view as its from-scratch twin's text under
    /// its own name, no twins, no migrations.
    static func previousRelease(in directory: TemporaryDirectory) throws -> String {
        let sql = directory.file("sql-previous")
        try FileManager.default.copyItem(atPath: Repository.sqlDirectory, toPath: sql)
        let views = sql + "/views"
        for file in try FileManager.default.contentsOfDirectory(atPath: views) where file.hasSuffix("_scratch_v.sql") {
            let text = try String(contentsOfFile: views + "/" + file, encoding: .utf8)
            let name = file.replacingOccurrences(of: "_scratch_v.sql", with: "_v.sql")
            try text.replacingOccurrences(of: "_scratch_v", with: "_v").write(
                toFile: views + "/" + name, atomically: true, encoding: .utf8)
            try FileManager.default.removeItem(atPath: views + "/" + file)
        }
        try FileManager.default.removeItem(atPath: sql + "/migrations")
        return sql
    }

    /// 3,000 orders of 1 to 4 versions, some late and older, statuses in several cases.
    static func history(batch: Int) -> String {
        let statuses = ["pending", "Processing", "shipped", "DELIVERED", "cancelled", "paid"]
        var items: [String] = []
        for index in 0..<1_000 {
            let order = batch * 1_000 + index
            for version in 0..<(1 + order % 4) {
                let hour = (version * 7 + order % 5) % 24
                let late = order % 9 == 0 && version == 1 ? "2025-08-01" : "2025-08-0\(2 + version)"
                items.append(
                    #"{"order_id":"U\#(order)","order_date":"2025-08-01","order_status":"\#(statuses[(order + version) % 6])","#
                        + #""updated_at":"\#(late)T\#(hour < 10 ? "0" : "")\#(hour):00:00Z"}"#)
            }
        }
        return "[" + items.joined(separator: ",") + "]"
    }

    @Test func aDatabaseOfThePreviousReleaseIsUpgradedWhileServing() throws {
        let directory = TemporaryDirectory()
        let dbPath = directory.file("orders.db")
        let previous = try Self.previousRelease(in: directory)
        let old = try ServerProcess(dbPath: dbPath, sqlDirectory: previous)
        let oldClient = try RawClient(port: old.port)
        for batch in 0..<3 {
            try oldClient.send(Request.post(Self.history(batch: batch)))
            #expect(try oldClient.readResponse().status == 200)
        }
        try oldClient.send(Request.get("/"))
        let before = try oldClient.readResponse().text
        old.signal(SIGTERM)
        #expect(old.waitForExit().status == 0)

        let server = try ServerProcess(dbPath: dbPath, sqlDirectory: nil)
        let client = try RawClient(port: server.port)
        // Served meanwhile (from the twins while the backfill runs): the same answer as before.
        try client.send(Request.get("/"))
        #expect(try client.readResponse().text == before)
        var health = ""
        let deadline = Date().addingTimeInterval(Self.deadline)
        while Date() < deadline {
            try client.send(Request.get("/healthz"))
            health = try client.readResponse().text
            if health.contains(#""projections":"complete""#) { break }
            usleep(20_000)
        }
        #expect(health.contains(#""projections":"complete""#), "\(health)")
        try client.send(Request.get("/"))
        #expect(try client.readResponse().text == before)
        server.signal(SIGTERM)
        let stopped = server.waitForExit()
        #expect(stopped.status == 0)
        #expect(stopped.log.contains("0001_order_projections.sql"), "\(stopped.log)")
        #expect(stopped.log.contains("projection backfill starting"), "\(stopped.log)")
        let complete = stopped.log.split(separator: "\n").first { $0.contains("projection backfill complete") }
        #expect(complete?.contains("projected_orders") == true && complete?.contains("3000") == true, "\(stopped.log)")

        for arguments in [["verify", dbPath], ["verify", "--full", dbPath], ["verify", "--sample", "5000", dbPath]] {
            let verify = try runOrdersyncWithin(Self.deadline, arguments, environment: [:])
            #expect(verify.status == 0, "\(arguments): \(verify.output)")
            #expect(verify.output.contains("agree") || verify.output.contains("equals its from-scratch twin"), "\(verify.output)")
        }
        let db = try Connection(path: dbPath, mode: .readWrite)
        try db.execute("UPDATE projection_count SET count = count + 1 WHERE kind = 1 AND a = 'shipped'")
        let caught = try runOrdersyncWithin(Self.deadline, ["verify", dbPath], environment: [:])
        #expect(caught.status != 0 && caught.output.contains("current status"), "\(caught.output)")
        let full = try runOrdersyncWithin(Self.deadline, ["verify", "--full", "--sample", "0", dbPath], environment: [:])
        #expect(full.status != 0 && full.output.contains("order_status_summary_v"), "\(full.output)")
    }
}
