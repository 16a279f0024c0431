import Foundation
import SQLite
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The SQL files are built into the executables (Plugins/EmbedSQL): a copied binary runs from any folder
/// with no `sql/` beside it, `SQL_DIR` reads a directory instead, a failed start leaves no database it
/// created, and `query` on a database that was never migrated says what to do (docs/contract.md §2).
@Suite struct BuiltInSQLTests {
    /// The hang guard of each command (a start or a query takes well under a second).
    static let deadline = 60.0

    /// A copy of `sql/` in `directory` with `sync_runs_v` replaced and an extra view added.
    static func changedSQL(in directory: TemporaryDirectory) throws -> String {
        let sql = directory.file("custom-sql")
        try FileManager.default.copyItem(atPath: Repository.sqlDirectory, toPath: sql)
        try "CREATE VIEW sync_runs_v AS SELECT 'from SQL_DIR' AS marker;\n".write(
            toFile: sql + "/views/sync_runs_v.sql", atomically: true, encoding: .utf8)
        try "CREATE VIEW zz_extra_v AS SELECT count(*) AS orders FROM orders_raw;\n".write(
            toFile: sql + "/views/zz_extra_v.sql", atomically: true, encoding: .utf8)
        return sql
    }

    @Test func aCopiedBinaryServesFromAFreshFolderWithoutSQLDir() throws {
        let directory = TemporaryDirectory()
        let bin = directory.file("bin")
        let run = directory.file("run")
        for folder in [bin, run] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let binary = bin + "/ordersync"
        try FileManager.default.copyItem(atPath: Repository.executable, toPath: binary)
        let server = try ServerProcess(
            dbPath: nil, logDirectory: directory.path, sqlDirectory: nil, executable: binary, workingDirectory: run)
        let client = try RawClient(port: server.port)
        try client.send(Request.post(Orders.batch(["anywhere-1", "anywhere-2"])))
        #expect(try client.readResponse().status == 200)
        try client.send(Request.get("/views/latest_order_v"))
        let view = try client.readResponse()
        #expect(view.status == 200)
        #expect(view.text.contains("anywhere-2"), "\(view.text)")
        server.signal(SIGTERM)
        #expect(server.waitForExit().status == 0)
        // DB_PATH's default, data/ordersync.db, is relative to the folder it ran in; no sql/ appeared.
        #expect(FileManager.default.fileExists(atPath: run + "/data/ordersync.db"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: run) == ["data"])

        let query = try runProgramWithin(
            BuiltInSQLTests.deadline, binary, ["query", "latest_order_v", "--format", "ndjson"],
            unset: ["SQL_DIR", "DB_PATH"], workingDirectory: run)
        #expect(query.status == 0, "\(query.output)")
        #expect(query.output.contains("anywhere-1"))
    }

    @Test func sqlDirOverridesTheBuiltInFilesAndUnsettingItRestoresThem() throws {
        let directory = TemporaryDirectory()
        let sql = try BuiltInSQLTests.changedSQL(in: directory)
        let dbPath = directory.file("orders.db")
        let server = try ServerProcess(dbPath: dbPath, sqlDirectory: sql)
        let client = try RawClient(port: server.port)
        try client.send(Request.get("/views/sync_runs_v"))
        let changed = try client.readResponse()
        #expect(changed.status == 200)
        #expect(changed.text.contains("from SQL_DIR"), "\(changed.text)")
        try client.send(Request.get("/views/zz_extra_v"))
        #expect(try client.readResponse().status == 200)
        server.signal(SIGTERM)
        #expect(server.waitForExit().status == 0)

        // Without SQL_DIR the built-in files apply again: the original view, and the extra one gone.
        let migrate = try runOrdersyncWithin(
            BuiltInSQLTests.deadline, ["migrate"], environment: ["DB_PATH": dbPath], unset: ["SQL_DIR"])
        #expect(migrate.status == 0, "\(migrate.output)")
        #expect(migrate.output.contains("the built-in SQL"))
        let original = try runOrdersyncWithin(
            BuiltInSQLTests.deadline, ["query", "sync_runs_v"], environment: ["DB_PATH": dbPath], unset: ["SQL_DIR"])
        #expect(original.status == 0, "\(original.output)")
        #expect(!original.output.contains("from SQL_DIR"))
        let extra = try runOrdersyncWithin(
            BuiltInSQLTests.deadline, ["query", "zz_extra_v"], environment: ["DB_PATH": dbPath], unset: ["SQL_DIR"])
        #expect(extra.status != 0)
    }

    /// The server hands SQL_DIR to the sync worker only when it is set; otherwise the worker uses its own
    /// built-in files. A stand-in worker (ORDERSYNC_SYNC_WORKER) records the arguments it was given.
    @Test(arguments: [true, false])
    func theServerPassesSQLDirToTheWorkerOnlyWhenSet(_ set: Bool) throws {
        let directory = TemporaryDirectory()
        let recorded = directory.file("arguments")
        let worker = directory.file("worker.sh")
        try "#!/bin/sh\nprintf '%s\\n' \"$@\" > '\(recorded)'\necho '{}'\n".write(
            toFile: worker, atomically: true, encoding: .utf8)
        chmod(worker, 0o755)
        let server = try ServerProcess(
            dbPath: directory.file("orders.db"), environment: ["ORDERSYNC_SYNC_WORKER": worker],
            sqlDirectory: set ? Repository.sqlDirectory : nil)
        let client = try RawClient(port: server.port)
        try client.send(Request.post("", path: "/sync"))
        _ = try client.readResponse()
        let arguments = try String(contentsOfFile: recorded, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(arguments.contains("--db-path"))
        if set {
            #expect(arguments.firstIndex(of: "--sql-dir").map { arguments[$0 + 1] } == Repository.sqlDirectory)
        } else {
            #expect(!arguments.contains("--sql-dir"), "\(arguments)")
        }
    }

    /// Broken SQL, a missing SQL_DIR, bad configuration: the start fails and leaves no database file (nor
    /// -wal, -shm) it created; a database that existed before stays, with its rows.
    @Test(arguments: ["broken view", "missing SQL_DIR", "bad PORT"])
    func aFailedStartLeavesNoDatabaseBehind(_ cause: String) throws {
        let directory = TemporaryDirectory()
        let sql = try BuiltInSQLTests.changedSQL(in: directory)
        try "CREATE VIEW zz_broken_v AS SELECT nope FROM nowhere;\n".write(
            toFile: sql + "/views/zz_broken_v.sql", atomically: true, encoding: .utf8)
        var environment = ["SQL_DIR": sql, "PORT": "0"]
        switch cause {
        case "missing SQL_DIR": environment["SQL_DIR"] = directory.file("no-such-sql")
        case "bad PORT": environment = ["PORT": "not-a-port"]
        default: break
        }
        let fresh = directory.file("data/fresh.db")
        environment["DB_PATH"] = fresh
        let serve = try runOrdersyncWithin(
            BuiltInSQLTests.deadline, ["serve"], environment: environment, unset: ["SQL_DIR"])
        #expect(serve.status != 0, "\(serve.output)")
        for suffix in ["", "-wal", "-shm", "-journal"] {
            #expect(!FileManager.default.fileExists(atPath: fresh + suffix), "\(fresh + suffix) left behind")
        }
        if cause == "broken view" {
            #expect(serve.output.contains("zz_broken_v.sql"), "\(serve.output)")
            let worker = try runProgramWithin(
                BuiltInSQLTests.deadline, Repository.program("ordersync-sync"), ["--db-path", fresh, "--sql-dir", sql])
            #expect(worker.status != 0)
            #expect(!FileManager.default.fileExists(atPath: fresh), "the sync worker leaves none either")
        }

        let existing = directory.file("existing.db")
        let migrate = try runOrdersyncWithin(
            BuiltInSQLTests.deadline, ["migrate"], environment: ["DB_PATH": existing], unset: ["SQL_DIR"])
        #expect(migrate.status == 0, "\(migrate.output)")
        environment["DB_PATH"] = existing
        let again = try runOrdersyncWithin(
            BuiltInSQLTests.deadline, ["serve"], environment: environment, unset: ["SQL_DIR"])
        #expect(again.status != 0)
        #expect(FileManager.default.fileExists(atPath: existing), "a database that existed is never removed")
        #expect(try Connection(path: existing, mode: .readOnly).scalarString("PRAGMA integrity_check") == "ok")
    }

    /// A port already taken stops the start before the database is opened: no file is created, so none
    /// is removed while another server may be using it (the running server's database stays whole).
    @Test func aTakenPortStopsTheStartBeforeTheDatabaseIsOpened() throws {
        let directory = TemporaryDirectory()
        let running = try ServerProcess(dbPath: directory.file("running.db"), sqlDirectory: nil)
        let fresh = directory.file("data/second.db")
        let second = try runOrdersyncWithin(
            BuiltInSQLTests.deadline, ["serve"], environment: ["DB_PATH": fresh, "PORT": "\(running.port)"],
            unset: ["SQL_DIR"])
        #expect(second.status != 0)
        #expect(second.output.contains("cannot listen on port \(running.port)"), "\(second.output)")
        for suffix in ["", "-wal", "-shm", "-journal"] {
            #expect(!FileManager.default.fileExists(atPath: fresh + suffix), "\(fresh + suffix) created")
        }
        let client = try RawClient(port: running.port)
        try client.send(Request.get("/healthz"))
        #expect(try client.readResponse().status == 200)
        running.signal(SIGTERM)
    }

    @Test func queryOnADatabaseThatWasNeverMigratedSaysWhatToDo() throws {
        let directory = TemporaryDirectory()
        let absent = directory.file("absent.db")
        let missing = try runOrdersyncWithin(
            BuiltInSQLTests.deadline, ["query", "latest_order_v"], environment: ["DB_PATH": absent])
        #expect(missing.status != 0)
        #expect(missing.output.contains("ordersync migrate"), "\(missing.output)")
        #expect(!FileManager.default.fileExists(atPath: absent), "query creates no database")

        for (name, setup) in [("empty.db", ""), ("foreign.db", "CREATE TABLE t (x); INSERT INTO t VALUES (1);")] {
            let path = directory.file(name)
            let connection = try Connection(path: path, mode: .readWrite)
            if !setup.isEmpty { try connection.execute(setup) }
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            let result = try runOrdersyncWithin(
                BuiltInSQLTests.deadline, ["query", "latest_order_v"], environment: ["DB_PATH": path])
            #expect(result.status != 0)
            #expect(result.output.contains("has no ordersync schema"), "\(result.output)")
            #expect(result.output.contains("ordersync migrate"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "\(name) is left as it was")
        }

        let garbage = directory.file("garbage.db")
        try Data((0..<4096).map { UInt8($0 % 251) }).write(to: URL(fileURLWithPath: garbage))
        let broken = try runOrdersyncWithin(
            BuiltInSQLTests.deadline, ["query", "latest_order_v"], environment: ["DB_PATH": garbage])
        #expect(broken.status != 0)
        #expect(broken.output.contains("cannot read"), "\(broken.output)")
    }
}
