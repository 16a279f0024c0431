import Foundation
import OrderCore
import OrderStore
import PostgresStore
import SQLite
import Storage
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `ordersync copy --to postgres://…` (issue 11 item 6): a SQLite database with orders, provider
/// records and sync runs moved into PostgreSQL, verified, resumed after more writes, served the same.
@Suite(.serialized) struct CopyTests {
    @Test func aSQLiteDatabaseMovesVerifiedResumesAndServesTheSame() throws {
        let directory = TemporaryDirectory()
        let dbPath = directory.file("graduate.db")
        let cluster = try PostgresCluster.shared()
        let url = try cluster.makeDatabase()
        let database = String(url.split(separator: "/").last ?? "")

        // History: orders with several versions through POST /, then a sync of provider records.
        let fakes = try FakeProviders(arguments: ["--orders", "150", "--contacts", "120", "--customers", "10"])
        let sqliteServer = try ServerProcess(dbPath: dbPath)
        try post(sqliteServer.port, (0..<300).map { "c-\($0)" }, status: "processing")
        try post(sqliteServer.port, (0..<150).map { "c-\($0)" }, status: "shipped")
        sqliteServer.signal(SIGTERM)
        #expect(sqliteServer.waitForExit().status == 0)
        let (synced, log) = try runOrdersync(
            ["sync"],
            environment: fakes.environment.merging(["DB_PATH": dbPath, "SQL_DIR": Repository.sqlDirectory]) { $1 })
        #expect(synced == 0, "\(log)")
        // An event as received: bytes that are no text (a NUL, 0xFF, a backslash and an x) travel as bytes.
        try Connection(path: dbPath, mode: .readWrite).execute(
            """
            INSERT INTO source_events (event_key, source, event_type, payload, received_at, status, checksum)
            VALUES ('shopify|s|event|1', 'shopify', 'products/update', X'00FF0A5C78', '2025-08-08T10:00:00.000Z',
                    'ignored', 'c0ffee')
            """)

        // Customers with their outbox (docs/customers.md §2, §3): versions and queued deliveries.
        let customers = try CustomerStore(path: dbPath)
        for number in 0..<5 {
            _ = try customers.change(
                CustomerChangeRequest(
                    customerID: "k-\(number)", change: .replace([.email: "k\(number)@example.org"]), source: "api",
                    changedAt: "2025-08-08T10:00:00.000Z", receivedAt: "2025-08-08T10:00:00.000Z", crms: ["hubspot"]))
        }

        let (status, output) = try runOrdersync(["copy", "--to", url, "--chunk", "100"], environment: ["DB_PATH": dbPath])
        #expect(status == 0, "\(output)")
        #expect(output.contains("verified"), "\(output)")
        #expect(output.contains("orders_raw 600"), "\(output)")
        #expect(output.contains("source_events 1"), "\(output)")
        #expect(output.contains("customer_versions 5"), "\(output)")
        #expect(output.contains("customer_outbox 5"), "\(output)")
        let payload = try cluster.psql("SELECT encode(payload, 'hex') FROM source_events", database: database)
        #expect(payload.contains("00ff0a5c78"), "\(payload)")

        // The same answers from both engines: GET / (ingested_at was copied too) and a merged view.
        let before = try answers(dbPath: dbPath, url: nil)
        let after = try answers(dbPath: nil, url: url)
        #expect(before.latest == after.latest)
        #expect(before.profiles == after.profiles)

        // More writes to SQLite, then the same command: it resumes after the copied rows.
        let again = try ServerProcess(dbPath: dbPath)
        try post(again.port, (300..<350).map { "c-\($0)" }, status: "processing")
        again.signal(SIGTERM)
        _ = again.waitForExit()
        let (resumed, resumedOutput) = try runOrdersync(["copy", "--to", url], environment: ["DB_PATH": dbPath])
        #expect(resumed == 0, "\(resumedOutput)")
        #expect(resumedOutput.contains("orders_raw: resuming after seq"), "\(resumedOutput)")
        #expect(resumedOutput.contains("orders_raw 650"), "\(resumedOutput)")

        // New writes on PostgreSQL continue after the copied keys.
        let postgres = try ServerProcess(dbPath: nil, environment: ["DATABASE_URL": url])
        try post(postgres.port, ["after-copy"], status: "new")
        let moved = PostgresCustomerStore(url: url)
        let next = try moved.change(
            CustomerChangeRequest(
                customerID: "k-0", change: .merge([.city: "Lima"]), source: "api", changedAt: "2025-08-09T10:00:00.000Z",
                receivedAt: "2025-08-09T10:00:00.000Z", crms: ["hubspot"]))
        #expect(next.version?.version == 2)
        #expect(try moved.dueDeliveries(crm: "hubspot", now: "2999-01-01T00:00:00.000Z", limit: 10).count == 5)
        moved.close()
        postgres.signal(SIGTERM)
        _ = postgres.waitForExit()

        // A target that differs from the source is caught by the checksums (the triggers are lifted
        // here only to forge the difference).
        _ = try cluster.psql(
            """
            ALTER TABLE orders_raw DISABLE TRIGGER USER;
            UPDATE orders_raw SET payload = payload || ' ' WHERE seq = 7;
            ALTER TABLE orders_raw ENABLE TRIGGER USER;
            """, database: database)
        let (refused, refusal) = try runOrdersync(["copy", "--to", url], environment: ["DB_PATH": dbPath])
        #expect(refused != 0)
        #expect(refusal.contains("orders_raw differs"), "\(refusal)")
    }

    @Test func aMissingSourceOrAnotherSchemeIsRefusedClearly() throws {
        let directory = TemporaryDirectory()
        let (missing, text) = try runOrdersync(
            ["copy", "--to", "postgresql://127.0.0.1:1/x"], environment: ["DB_PATH": directory.file("none.db")])
        #expect(missing != 0)
        #expect(text.contains("does not exist"), "\(text)")
        let (scheme, schemeText) = try runOrdersync(
            ["copy", "--to", "mysql://x"], environment: ["DB_PATH": directory.file("none.db")])
        #expect(scheme != 0)
        #expect(schemeText.contains("postgres://"), "\(schemeText)")
    }

    private func post(_ port: UInt16, _ ids: [String], status: String) throws {
        for slice in stride(from: 0, to: ids.count, by: 50).map({ Array(ids[$0..<min($0 + 50, ids.count)]) }) {
            let client = try RawClient(port: port)
            try client.send(Request.post(Orders.batch(slice, status: status)))
            #expect(try client.readResponse().status == 200)
        }
    }

    private func answers(dbPath: String?, url: String?) throws -> (latest: String, profiles: String) {
        let server = try ServerProcess(dbPath: dbPath, environment: url.map { ["DATABASE_URL": $0] } ?? [:])
        defer {
            server.signal(SIGTERM)
            _ = server.waitForExit()
        }
        let client = try RawClient(port: server.port)
        try client.send(Request.get("/"))
        let latest = String(decoding: try client.readResponse().body, as: UTF8.self)
        try client.send(Request.get("/views/customer_profiles_v?limit=all&format=csv"))
        let profiles = String(decoding: try client.readResponse().body, as: UTF8.self)
        return (latest, profiles)
    }
}
