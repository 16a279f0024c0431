import Foundation
import SQLite
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Migrations with the real binary (docs/contract.md §2, docs/migrations.md): processes that start
/// together apply each one exactly once, `migrate` and the server report what they applied, and a
/// database migrated further than the binary knows is refused.
@Suite struct MigrationEndToEndTests {
    /// The hang guard of each command (a migrate takes well under a second; the lock wait is 5 s at most).
    static let deadline = 60.0

    /// A copy of `sql/` in `directory` with `migrations` added.
    static func sql(in directory: TemporaryDirectory, _ migrations: [(String, String)]) throws -> String {
        let sql = directory.file("sql")
        if !FileManager.default.fileExists(atPath: sql) {
            try FileManager.default.copyItem(atPath: Repository.sqlDirectory, toPath: sql)
            try FileManager.default.createDirectory(atPath: sql + "/migrations", withIntermediateDirectories: true)
        }
        for (name, text) in migrations {
            try text.write(toFile: sql + "/migrations/" + name, atomically: true, encoding: .utf8)
        }
        return sql
    }

    /// Not idempotent on purpose: a second run of one that inserts adds a row, of 0004 fails outright.
    /// Twelve (after the built-in 0001), so that processes meet at many transaction boundaries.
    static let racing =
        [
            (
                "0002_create_m_count.sql",
                """
                CREATE TABLE m_count (n INTEGER);
                CREATE TABLE m_big (i INTEGER);
                WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 100000)
                INSERT INTO m_big SELECT i FROM c;
                INSERT INTO m_count VALUES (1);
                """
            ),
            ("0003_fill_m_count.sql", "INSERT INTO m_count VALUES (2);\n"),
            ("0004_widen_m_count.sql", "ALTER TABLE m_count ADD COLUMN extra TEXT;\n"),
        ] + (5...13).map { (String(format: "%04d_fill_m_count.sql", $0), "INSERT INTO m_count (n) VALUES (\($0));\n") }

    /// Six `ordersync migrate` processes at once, on a brand-new database and on an existing one that
    /// lacks the migrations: all succeed, and each migration ran in exactly one of them.
    @Test(arguments: [true, false])
    func processesMigratingTogetherApplyEachMigrationOnce(brandNew: Bool) throws {
        let directory = TemporaryDirectory()
        let dbPath = directory.file("orders.db")
        let baseline = try MigrationEndToEndTests.sql(in: directory, [])
        if !brandNew {
            let first = try runOrdersyncWithin(
                MigrationEndToEndTests.deadline, ["migrate"], environment: ["DB_PATH": dbPath, "SQL_DIR": baseline])
            #expect(first.status == 0, "\(first.output)")
            #expect(first.output.contains("applied migration 0001_order_projections.sql"), "\(first.output)")
        }
        let sql = try MigrationEndToEndTests.sql(in: directory, MigrationEndToEndTests.racing)
        let results = Mutex<[(status: Int32, output: String)]>([])
        let done = DispatchGroup()
        for _ in 0..<6 {
            done.enter()
            Thread.detachNewThread {
                let result =
                    (try? runOrdersyncWithin(
                        MigrationEndToEndTests.deadline, ["migrate"], environment: ["DB_PATH": dbPath, "SQL_DIR": sql]))
                    ?? (-1, "timed out")
                results.withLock { $0.append(result) }
                done.leave()
            }
        }
        #expect(done.wait(timeout: .now() + MigrationEndToEndTests.deadline + 5) == .success)
        let outputs = results.withLock { $0 }
        #expect(outputs.count == 6)
        for result in outputs { #expect(result.status == 0, "\(result.output)") }
        for (name, _) in MigrationEndToEndTests.racing {
            let applying = outputs.filter { $0.output.contains("applied migration \(name)") }
            #expect(applying.count == 1, "\(name) applied by \(applying.count) processes: \(outputs)")
        }
        let db = try Connection(path: dbPath, mode: .readOnly)
        #expect(
            try db.scalarString("SELECT group_concat(n) FROM (SELECT n FROM m_count ORDER BY n)")
                == "1,2,5,6,7,8,9,10,11,12,13")
        #expect(try db.scalarInt("SELECT count(*) FROM m_big") == 100_000)
        #expect(try db.scalarInt("SELECT count(*) FROM ordersync_migrations") == 13)  // with the built-in 0001
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'latest_order_v'") == 1)
    }

    /// The server logs each migration it applies at start; `migrate` then has none left. The built-in SQL
    /// (which knows fewer migrations) refuses the database, naming the highest number.
    @Test func theServerLogsWhatItAppliedAndAnOlderBinaryIsRefused() throws {
        let directory = TemporaryDirectory()
        let dbPath = directory.file("orders.db")
        let sql = try MigrationEndToEndTests.sql(
            in: directory,
            [
                ("0002_create_m_note.sql", "CREATE TABLE m_note (x TEXT);\n"),
                ("0003_fill_m_note.sql", "INSERT INTO m_note VALUES ('hello');\n"),
            ])
        let server = try ServerProcess(dbPath: dbPath, sqlDirectory: sql)
        let client = try RawClient(port: server.port)
        try client.send(Request.get("/views/latest_order_v"))
        #expect(try client.readResponse().status == 200)
        server.signal(SIGTERM)
        let stopped = server.waitForExit()
        #expect(stopped.status == 0)
        for name in ["0002_create_m_note.sql", "0003_fill_m_note.sql"] {
            #expect(stopped.log.contains("applied migration") && stopped.log.contains(name), "\(stopped.log)")
        }

        let again = try runOrdersyncWithin(
            MigrationEndToEndTests.deadline, ["migrate"], environment: ["DB_PATH": dbPath, "SQL_DIR": sql])
        #expect(again.status == 0 && again.output.contains("no migration to apply"), "\(again.output)")

        let older = try runOrdersyncWithin(
            MigrationEndToEndTests.deadline, ["migrate"], environment: ["DB_PATH": dbPath], unset: ["SQL_DIR"])
        #expect(older.status != 0)
        #expect(
            older.output.contains("0003_fill_m_note.sql") && older.output.contains("newer ordersync"), "\(older.output)"
        )
        let serve = try runOrdersyncWithin(
            MigrationEndToEndTests.deadline, ["serve"], environment: ["DB_PATH": dbPath, "PORT": "0"],
            unset: ["SQL_DIR"])
        #expect(serve.status != 0, "an older server does not start on a newer database")
        #expect(serve.output.contains("up to 0003"), "\(serve.output)")
        #expect(try Connection(path: dbPath, mode: .readOnly).scalarString("SELECT x FROM m_note") == "hello")
    }
}
