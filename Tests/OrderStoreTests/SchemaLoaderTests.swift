import Foundation
import OrderStore
import Storage
import SQLite
import Synchronization
import Testing

/// `sql/` applied at startup: ordered, idempotent, recorded, and a broken file stops startup by name.
@Suite struct SchemaLoaderTests {
    @Test func appliesTablesAndViewsAndRecordsThem() throws {
        let fixture = try StoreFixture()
        let viewFiles = try FileManager.default.contentsOfDirectory(atPath: fixture.sqlDirectory + "/views").filter {
            $0.hasSuffix(".sql")
        }
        let tableFiles = try FileManager.default.contentsOfDirectory(atPath: fixture.sqlDirectory + "/tables").filter {
            $0.hasSuffix(".sql")
        }
        let store = try fixture.open()
        #expect(store.views.contains("latest_order_v"))
        #expect(store.views.count == viewFiles.count)
        #expect(store.views == store.views.sorted(), "one view per file, applied in file name order")
        store.close()
        let db = try fixture.connection()
        #expect(try db.scalarString("PRAGMA journal_mode") == "wal")
        let recorded = try db.scalarInt("SELECT count(*) FROM ordersync_sql_files")
        #expect(recorded == Int64(viewFiles.count + tableFiles.count))
        #expect(
            try db.scalarString("SELECT objects FROM ordersync_sql_files WHERE file = 'sql/views/latest_order_v.sql'")
                == "latest_order_v")
    }

    @Test func reopeningChangesNothing() throws {
        let fixture = try StoreFixture()
        try fixture.open().close()
        let before = try fixture.connection().scalarString("SELECT group_concat(applied_at) FROM ordersync_sql_files")
        let store = try fixture.open()
        #expect(store.views.contains("latest_order_v"))
        store.close()
        let after = try fixture.connection().scalarString("SELECT group_concat(applied_at) FROM ordersync_sql_files")
        #expect(before == after)
    }

    @Test func aChangedViewIsReplacedAndARemovedOneDropped() throws {
        let fixture = try StoreFixture()
        try fixture.write("views/zz_count_v.sql", "CREATE VIEW zz_count_v AS SELECT count(*) AS n FROM orders_raw;")
        #expect(try fixture.open().views.last == "zz_count_v")
        try fixture.write("views/zz_count_v.sql", "CREATE VIEW zz_count_v AS SELECT count(*) AS total FROM orders_raw;")
        let reopened = try fixture.open()
        reopened.close()
        let column = try fixture.connection().prepare("SELECT * FROM zz_count_v").columnName(0)
        #expect(column == "total")
        try fixture.remove("views/zz_count_v.sql")
        #expect(try !fixture.open().views.contains("zz_count_v"))
        #expect(try fixture.connection().scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'zz_count_v'") == 0)
    }

    @Test func viewsAreAppliedInNameOrderSoTheyMayBuildOnEachOther() throws {
        let fixture = try StoreFixture()
        try fixture.write("views/a_base_v.sql", "CREATE VIEW a_base_v AS SELECT order_id FROM orders_raw;")
        try fixture.write("views/b_on_base_v.sql", "CREATE VIEW b_on_base_v AS SELECT count(*) AS n FROM a_base_v;")
        #expect(try fixture.open().views.prefix(2) == ["a_base_v", "b_on_base_v"])
    }

    @Test(arguments: [
        ("views/broken_v.sql", "CREATE VIEW broken_v AS SELEC 1;", "syntax error"),
        ("views/missing_v.sql", "CREATE VIEW missing_v AS SELECT nope FROM orders_raw;", "no such column"),
        ("views/missing_table_v.sql", "CREATE VIEW missing_table_v AS SELECT * FROM no_table;", "no such table"),
        ("tables/zz_broken.sql", "CREATE TABLE (;", "syntax error"),
    ])
    func aBrokenFileStopsStartupNamingTheFile(file: String, sql: String, message: String) throws {
        let fixture = try StoreFixture()
        try fixture.write(file, sql)
        do {
            let store = try fixture.open()
            store.close()
            Issue.record("opened despite \(file)")
        } catch {
            #expect("\(error)".contains("sql/\(file)"), "\(error)")
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    @Test func aBrokenFileLeavesTheDatabaseAsItWas() throws {
        let fixture = try StoreFixture()
        try fixture.open().close()
        try fixture.write(
            "views/bad_v.sql", "CREATE VIEW good_v AS SELECT 1; CREATE VIEW bad_v AS SELECT * FROM nothing;")
        #expect(throws: OrderStore.OpenError.self) { try fixture.open() }
        let db = try fixture.connection()
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name IN ('good_v', 'bad_v')") == 0)
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'latest_order_v'") == 1)
    }

    @Test func invalidUTF8AndMissingDirectoriesAreClearErrors() throws {
        let fixture = try StoreFixture()
        try Data([0x43, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: fixture.sqlDirectory + "/views/bytes_v.sql"))
        #expect { try fixture.open() } throws: { "\($0)".contains("bytes_v.sql") && "\($0)".contains("UTF-8") }
        #expect { try OrderStore(path: fixture.dbPath, sqlDirectory: fixture.root + "/nowhere") } throws: {
            "\($0)".contains("not found")
        }
    }

    @Test func aSQLDirectoryWithoutTheOrdersTableIsRefused() throws {
        let fixture = try StoreFixture()
        try fixture.remove("tables/orders_raw.sql")
        try fixture.remove("views/latest_order_v.sql")
        #expect { try fixture.open() } throws: { "\($0)".contains("orders_raw") }
    }

    /// The status vocabulary (sql/tables/status_stages.sql) is data in a table file: running it again, as a
    /// changed table file is, must give exactly the file's list, not a doubled or stale one.
    @Test func theStatusVocabularyIsReplacedWhenItsFileChanges() throws {
        let fixture = try StoreFixture()
        try fixture.open().close()
        let count = "SELECT count(*) FROM status_stages"
        let listed = try #require(try fixture.connection().scalarInt(count))
        #expect(listed > 10)
        let file = fixture.sqlDirectory + "/tables/status_stages.sql"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try fixture.connection().execute(text)
        #expect(try fixture.connection().scalarInt(count) == listed, "running the file twice changes nothing")

        let edited = text.replacingOccurrences(of: "('completed',", with: "('zz_finished',")
        #expect(edited != text)
        try fixture.write("tables/status_stages.sql", edited)
        try fixture.open().close()
        let db = try fixture.connection()
        #expect(try db.scalarInt(count) == listed)
        #expect(try db.scalarInt("SELECT count(*) FROM status_stages WHERE status = 'completed'") == 0)
        #expect(try db.scalarString("SELECT stage FROM status_stages_v WHERE status = 'zz_finished'") == "delivered")
    }

    /// A changed table file on an existing database (as an upgrade brings) changes the tables and
    /// re-creates the views in one transaction: a reader on another connection (a server already running
    /// on the file, the sync worker) never finds a view missing. Rounds and reads are bounded.
    @Test func aReaderNeverSeesTheViewsMissingWhileTableFilesChange() throws {
        let fixture = try StoreFixture()
        try fixture.open().close()
        let file = fixture.sqlDirectory + "/tables/orders_raw.sql"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let path = fixture.dbPath
        let done = Mutex(false)
        let missing = Mutex(0)
        let reads = Mutex(0)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { finished.signal() }
            guard let reader = try? Connection(path: path, mode: .readOnly) else { return }
            while !done.withLock({ $0 }) {
                let views = try? reader.scalarInt(
                    "SELECT count(*) FROM sqlite_schema WHERE type = 'view' AND name = 'latest_order_v'")
                if views == 0 { missing.withLock { $0 += 1 } }
                reads.withLock { $0 += 1 }
            }
        }
        thread.start()
        for round in 0..<40 {
            try fixture.write("tables/orders_raw.sql", text + "\n-- round \(round)\n")
            try fixture.open().close()
        }
        done.withLock { $0 = true }
        #expect(finished.wait(timeout: .now() + 30) == .success, "the reader thread did not stop")
        #expect(reads.withLock { $0 } > 0)
        #expect(missing.withLock { $0 } == 0, "a reader saw latest_order_v missing \(missing.withLock { $0 }) times")
    }
}
