import Foundation
import SQLite
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `ordersync backup` and `ordersync verify`. Every child process here runs with a deadline
/// (`runOrdersyncWithin`): a backup that never finishes fails the test instead of hanging it.
@Suite struct BackupTests {
    /// The hang guard for one command, not a performance assertion: a copy of these ~50 MB takes about
    /// a second.
    static let commandDeadline = 60.0

    @Test func backupFinishesUnderSustainedIngest() throws {
        try backupUnderLoad(longReader: false)
    }

    /// A reader that keeps its transaction open stops checkpoints, so the WAL only grows while the
    /// backup runs; the copy still comes from one snapshot.
    @Test func backupFinishesWhileALongReaderPinsTheWAL() throws {
        try backupUnderLoad(longReader: true)
    }

    /// Several clients post batches back to back while `ordersync backup` copies a database of many
    /// steps of the old page-by-page copy (1,024 pages each), which started over at every write in
    /// between and so never finished.
    private func backupUnderLoad(longReader: Bool) throws {
        let directory = TemporaryDirectory()
        let dbPath = directory.file("live.db")
        try BackupTests.seed(dbPath, orders: 20_000)
        let server = try ServerProcess(dbPath: dbPath)
        let ingest = SustainedIngest(port: server.port)
        defer { _ = ingest.stop() }
        #expect(ingest.waitUntilAcknowledged(400), "the clients got going")
        var reader: Connection?
        if longReader {
            let connection = try Connection(path: dbPath, mode: .readOnly)
            try connection.execute("BEGIN")
            _ = try connection.scalarInt("SELECT count(*) FROM orders_raw")
            reader = connection
            // Writes after the reader's snapshot: the WAL holds frames no checkpoint may move now.
            #expect(ingest.waitUntilAcknowledged(ingest.acknowledgedCount + 200))
        }
        let before = ingest.acknowledged
        let copy = directory.file("copy.db")
        let backup = try runOrdersyncWithin(
            BackupTests.commandDeadline, ["backup", copy], environment: ["DB_PATH": dbPath])
        let failures = ingest.stop()
        reader?.rollbackQuietly()
        #expect(failures.isEmpty, "\(failures)")
        #expect(backup.status == 0, "\(backup.output)")
        #expect(backup.output.contains("order versions"))
        // The copy stands alone: no WAL or shared-memory file beside it, before anyone opens it.
        #expect(!FileManager.default.fileExists(atPath: copy + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: copy + "-shm"))

        let connection = try Connection(path: copy, mode: .readOnly)
        #expect(try connection.scalarString("PRAGMA journal_mode") == "delete")
        #expect(try connection.scalarString("PRAGMA integrity_check") == "ok")
        #expect(try connection.scalarInt("SELECT count(*) FROM orders_raw WHERE order_id LIKE 'seed-%'") == 20_000)
        let ids = try connection.prepare("SELECT order_id FROM orders_raw WHERE order_id NOT LIKE 'seed-%'")
        var stored = Set<String>()
        while try ids.step() { stored.insert(ids.string(0) ?? "") }
        let missing = before.filter { !stored.contains($0) }
        #expect(missing.isEmpty, "acknowledged before the backup began, missing in the copy: \(missing.prefix(5))")
        // Ids are c<client>-b<batch>-<n>: every batch is all or nothing in the copy too.
        let batches = Dictionary(grouping: stored) { $0.split(separator: "-").prefix(2).joined(separator: "-") }
        let partial = batches.filter { $0.value.count != SustainedIngest.defaultBatchSize }.keys.sorted()
        #expect(partial.isEmpty, "batches only partly in the copy: \(partial.prefix(5))")

        let verify = try runOrdersyncWithin(BackupTests.commandDeadline, ["verify", copy], environment: [:])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(!FileManager.default.fileExists(atPath: copy + "-wal"))
        // A second backup to the same name is refused rather than overwriting it.
        let again = try runOrdersyncWithin(
            BackupTests.commandDeadline, ["backup", copy], environment: ["DB_PATH": dbPath])
        #expect(again.status != 0)
        #expect(try Connection(path: copy, mode: .readOnly).scalarInt("SELECT count(*) FROM orders_raw") ?? 0 >= 20_000)
    }

    /// A migrated database with `orders` seed rows of ~2 KB each (20,000: about 12,000 pages of 4 KiB).
    static func seed(_ path: String, orders: Int) throws {
        let migrate = try runOrdersyncWithin(
            commandDeadline, ["migrate"], environment: ["DB_PATH": path, "SQL_DIR": Repository.sqlDirectory])
        guard migrate.status == 0 else { throw ServerProcess.Failed(description: migrate.output) }
        let connection = try Connection(path: path, mode: .readWrite)
        let insert = try connection.prepare(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
            INSERT INTO orders_raw (order_id, order_date, order_status, order_details, ingested_at, payload)
            SELECT 'seed-' || i, '2025-08-08T10:00:00Z', 'processing', hex(randomblob(1000)),
                   '2025-08-08T10:00:00.000Z',
                   json_object('order_id', 'seed-' || i, 'order_date', '2025-08-08T10:00:00Z',
                               'order_status', 'processing')
            FROM n
            """)
        try insert.bind(1, Int64(orders))
        try insert.run()
        // Written past the projections (docs/projections.md): the next start backfills them.
        try connection.execute("DELETE FROM projection_progress")
    }

    /// A backup that fails leaves nothing behind: not the partial copy, nor a -wal or -shm file.
    @Test func failedBackupLeavesNoFile() throws {
        let directory = TemporaryDirectory()
        let foreign = directory.file("foreign.db")
        try Connection(path: foreign, mode: .readWrite).execute("CREATE TABLE t (x); INSERT INTO t VALUES (1)")
        let copy = directory.file("copy.db")
        let refused = try runOrdersyncWithin(
            BackupTests.commandDeadline, ["backup", copy], environment: ["DB_PATH": foreign])
        #expect(refused.status != 0)
        #expect(refused.output.contains("missing table orders_raw"), "\(refused.output)")
        for path in [copy, copy + "-wal", copy + "-shm", copy + "-journal"] {
            #expect(!FileManager.default.fileExists(atPath: path), "\(path) left behind")
        }

        let garbage = directory.file("garbage.db")
        try Data((0..<8192).map { UInt8($0 % 251) }).write(to: URL(fileURLWithPath: garbage))
        let broken = try runOrdersyncWithin(
            BackupTests.commandDeadline, ["backup", copy], environment: ["DB_PATH": garbage])
        #expect(broken.status != 0)
        #expect(!FileManager.default.fileExists(atPath: copy))

        let absent = try runOrdersyncWithin(
            BackupTests.commandDeadline, ["backup", copy], environment: ["DB_PATH": directory.file("absent.db")])
        #expect(absent.status != 0)
        #expect(!FileManager.default.fileExists(atPath: copy))
        #expect(!FileManager.default.fileExists(atPath: directory.file("absent.db")), "a backup creates no source")

        let nowhere = directory.file("no-such-folder/copy.db")
        try BackupTests.seed(directory.file("live.db"), orders: 10)
        let unwritable = try runOrdersyncWithin(
            BackupTests.commandDeadline, ["backup", nowhere], environment: ["DB_PATH": directory.file("live.db")])
        #expect(unwritable.status != 0)
        #expect(!FileManager.default.fileExists(atPath: nowhere))
    }

    @Test func verifyRejectsGarbageAndForeignDatabases() throws {
        let directory = TemporaryDirectory()
        let garbage = directory.file("garbage.db")
        try Data((0..<4096).map { UInt8($0 % 251) }).write(to: URL(fileURLWithPath: garbage))
        let broken = try runOrdersyncWithin(BackupTests.commandDeadline, ["verify", garbage], environment: [:])
        #expect(broken.status != 0)
        #expect(broken.output.contains("failed verification"))
        let foreign = directory.file("foreign.db")
        try Connection(path: foreign, mode: .readWrite).execute("CREATE TABLE t (x)")
        let other = try runOrdersyncWithin(BackupTests.commandDeadline, ["verify", foreign], environment: [:])
        #expect(other.status != 0)
        #expect(other.output.contains("missing table orders_raw"))
        let absent = try runOrdersyncWithin(
            BackupTests.commandDeadline, ["verify", directory.file("absent.db")], environment: [:])
        #expect(absent.status != 0)
    }

    @Test func healthcheckAsksTheLocalServer() throws {
        let directory = TemporaryDirectory()
        let server = try ServerProcess(dbPath: directory.file("health.db"))
        let up = try runOrdersyncWithin(
            BackupTests.commandDeadline, ["healthcheck", "--port", String(server.port)], environment: [:])
        #expect(up.status == 0)
        server.signal(SIGTERM)
        _ = server.waitForExit()
        let down = try runOrdersyncWithin(
            BackupTests.commandDeadline, ["healthcheck", "--port", String(server.port)], environment: [:])
        #expect(down.status != 0)
        #expect(down.output.contains("nothing listens"))
    }
}
