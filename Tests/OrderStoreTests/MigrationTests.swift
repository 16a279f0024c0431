import Foundation
import OrderStore
import Storage
import SQLite
import Testing

/// `sql/migrations/NNNN_name.sql` (docs/contract.md §2, docs/migrations.md): applied once each, in number
/// order, each in its own transaction, recorded with its text; anything that would make the record lie
/// stops startup naming the file.
@Suite struct MigrationTests {
    /// The open error's text, or nil when the store opened (it is closed again).
    static func openError(_ fixture: StoreFixture) -> String? {
        do {
            try fixture.open().close()
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// The built-in migrations (sql/migrations/) come first; these tests number theirs after them.
    static let builtIn: Set<String> = ["0001_order_projections.sql"]

    /// The migrations a test added, of those an open applied.
    static func ours(_ applied: [String]) -> [String] { applied.filter { !builtIn.contains($0) } }

    static func recorded(_ fixture: StoreFixture) throws -> [String] {
        let statement = try fixture.connection().prepare(
            "SELECT number, name FROM ordersync_migrations WHERE number > \(builtIn.count) ORDER BY number")
        var rows: [String] = []
        while try statement.step() { rows.append("\(statement.int64(0)) \(statement.string(1) ?? "")") }
        return rows
    }

    @Test func appliedOnceInNumberOrderAndRecorded() throws {
        let fixture = try StoreFixture()
        // By name "00003_…" sorts before "0002_…": only number order creates the table before the insert.
        try fixture.migration("0002_create_m_t.sql", "CREATE TABLE m_t (x INTEGER);\n")
        try fixture.migration("00003_fill_m_t.sql", "INSERT INTO m_t VALUES (2);\n")
        let store = try fixture.open()
        #expect(MigrationTests.ours(store.appliedMigrations) == ["0002_create_m_t.sql", "00003_fill_m_t.sql"])
        #expect(store.views.contains("latest_order_v"))
        store.close()
        #expect(try MigrationTests.recorded(fixture) == ["2 0002_create_m_t.sql", "3 00003_fill_m_t.sql"])
        let appliedAt = try fixture.connection().scalarString(
            "SELECT group_concat(applied_at) FROM ordersync_migrations")

        let again = try fixture.open()
        #expect(again.appliedMigrations.isEmpty)
        again.close()
        #expect(try fixture.connection().scalarInt("SELECT count(*) FROM m_t") == 1, "the insert ran once")
        #expect(
            try fixture.connection().scalarString("SELECT group_concat(applied_at) FROM ordersync_migrations")
                == appliedAt)
    }

    /// The applied text is recorded, CRLF read as LF (a checkout's line ends are no change).
    @Test(arguments: [
        ("CREATE TABLE m_sum (a);\n", "CREATE TABLE m_sum (a);\n"),
        ("CREATE TABLE m_sum (a);\r\n", "CREATE TABLE m_sum (a);\n"),
        ("CREATE TABLE m_sum (a);\n-- " + String(repeating: "é", count: 20) + "\r\n", "CREATE TABLE m_sum (a);\n-- " + String(repeating: "é", count: 20) + "\n"),
    ])
    func theAppliedTextIsRecorded(text: String, recorded: String) throws {
        let fixture = try StoreFixture()
        try fixture.migration("0002_sum.sql", text)
        try fixture.open().close()
        #expect(try fixture.connection().scalarString("SELECT sql FROM ordersync_migrations WHERE number = 2") == recorded)
    }

    /// A migration added to an existing database runs at its next start, after the table files and before
    /// the views; the views it would break are dropped first and come back from their files.
    @Test func aNewMigrationOnAnExistingDatabaseAppliesAtNextStart() throws {
        let fixture = try StoreFixture()
        try fixture.migration("0002_create_m_t.sql", "CREATE TABLE m_t (a INTEGER, b INTEGER);\n")
        try fixture.write("views/zz_m_v.sql", "CREATE VIEW zz_m_v AS SELECT a, b FROM m_t;\n")
        try fixture.open().close()
        // SQLite refuses to drop a column a view reads: the old view must be gone while the migration runs.
        try fixture.migration("0003_drop_m_t_a.sql", "ALTER TABLE m_t DROP COLUMN a;\n")
        try fixture.write("views/zz_m_v.sql", "CREATE VIEW zz_m_v AS SELECT b FROM m_t;\n")
        let store = try fixture.open()
        #expect(MigrationTests.ours(store.appliedMigrations) == ["0003_drop_m_t_a.sql"])
        #expect(store.views.contains("zz_m_v") && store.views.contains("latest_order_v"))
        store.close()
        #expect(try fixture.connection().prepare("SELECT * FROM zz_m_v").columnName(0) == "b")
        #expect(try MigrationTests.recorded(fixture).count == 2)
    }

    /// A database made before migrations existed has no `ordersync_migrations`: it gains the table and
    /// every migration at its next start (the upgrade path of databases in use today).
    @Test func aDatabaseFromBeforeMigrationsGainsThem() throws {
        let fixture = try StoreFixture()
        try fixture.open().close()
        try fixture.connection().execute("DROP TABLE ordersync_migrations")
        try fixture.migration("0002_create_m_t.sql", "CREATE TABLE m_t (x);\n")
        let store = try fixture.open()
        #expect(MigrationTests.ours(store.appliedMigrations) == ["0002_create_m_t.sql"])
        store.close()
        #expect(try MigrationTests.recorded(fixture) == ["2 0002_create_m_t.sql"])
    }

    @Test func aChangedAppliedMigrationIsRefused() throws {
        let fixture = try StoreFixture()
        try fixture.migration("0002_create_m_t.sql", "CREATE TABLE m_t (x);\n")
        try fixture.open().close()
        try fixture.migration("0002_create_m_t.sql", "CREATE TABLE m_t (x);\r\n")
        #expect(MigrationTests.openError(fixture) == nil, "line ends converted by a checkout are no change")
        try fixture.migration("0002_create_m_t.sql", "CREATE TABLE m_t (x, y);\n")
        let error = try #require(MigrationTests.openError(fixture))
        #expect(error.contains("sql/migrations/0002_create_m_t.sql"), "\(error)")
        #expect(error.contains("must never change") && error.contains("add a new migration"), "\(error)")
        // Renamed under the same number: refused too.
        try fixture.remove("migrations/0002_create_m_t.sql")
        try fixture.migration("0002_make_m_t.sql", "CREATE TABLE m_t (x);\n")
        let renamed = try #require(MigrationTests.openError(fixture))
        #expect(renamed.contains("0002_make_m_t.sql") && renamed.contains("was applied as 0002_create_m_t.sql"))
    }

    @Test(arguments: [
        (["0002_a.sql", "0004_c.sql"], "0004_c.sql", "no migration is numbered 0003"),
        (["0003_b.sql"], "0003_b.sql", "no migration is numbered 0002"),
        (["0002_a.sql", "00002_b.sql"], "0002_a.sql", "same number"),
        (["001_a.sql"], "001_a.sql", "NNNN_snake_name.sql"),
        (["0002-a.sql"], "0002-a.sql", "NNNN_snake_name.sql"),
        (["0002_Add.sql"], "0002_Add.sql", "NNNN_snake_name.sql"),
        (["0002_.sql"], "0002_.sql", "NNNN_snake_name.sql"),
        (["0002_2a.sql"], "0002_2a.sql", "NNNN_snake_name.sql"),
        (["0002_a b.sql"], "0002_a b.sql", "NNNN_snake_name.sql"),
        (["add_a.sql"], "add_a.sql", "NNNN_snake_name.sql"),
        (["0000_a.sql"], "0000_a.sql", "start at 0001"),
        (["1234567890_a.sql"], "1234567890_a.sql", "NNNN_snake_name.sql"),
    ])
    func badNamesGapsAndDuplicatesAreRefusedBeforeAnythingRuns(names: [String], file: String, message: String) throws {
        let fixture = try StoreFixture()
        try fixture.open().close()
        let before = try fixture.connection().scalarString("SELECT group_concat(name) FROM sqlite_schema")
        for (index, name) in names.enumerated() { try fixture.migration(name, "CREATE TABLE m_\(index) (x);\n") }
        let error = try #require(MigrationTests.openError(fixture))
        #expect(error.contains("sql/migrations/\(file)"), "\(error)")
        #expect(error.contains(message), "\(error)")
        #expect(try fixture.connection().scalarString("SELECT group_concat(name) FROM sqlite_schema") == before)
    }

    /// Only `.sql` files are migrations (as for tables and views): a note beside them is ignored.
    @Test func otherFilesInTheFolderAreIgnored() throws {
        let fixture = try StoreFixture()
        try fixture.migration("README.md", "how to add one")
        try fixture.migration("0002_a.sql", "CREATE TABLE m_a (x);\n")
        let store = try fixture.open()
        #expect(MigrationTests.ours(store.appliedMigrations) == ["0002_a.sql"])
        store.close()
    }

    /// A failing migration undoes only itself: those before it stay applied and the views come back; the
    /// next start, with the file fixed, applies it and those after it.
    @Test func aFailingMigrationRollsBackOnlyItselfAndIsRetried() throws {
        let fixture = try StoreFixture()
        try fixture.open().close()
        try fixture.migration("0002_create_m_t.sql", "CREATE TABLE m_t (x);\nINSERT INTO m_t VALUES (1);\n")
        try fixture.migration("0003_fill_m_t.sql", "INSERT INTO m_t VALUES (2);\nINSERT INTO m_missing VALUES (3);\n")
        try fixture.migration("0004_create_m_u.sql", "CREATE TABLE m_u (x);\n")
        let error = try #require(MigrationTests.openError(fixture))
        #expect(error.contains("sql/migrations/0003_fill_m_t.sql"), "\(error)")
        #expect(error.contains("no such table: m_missing"), "\(error)")
        #expect(error.contains("kept: 0002_create_m_t.sql"), "\(error)")
        let db = try fixture.connection()
        #expect(try MigrationTests.recorded(fixture) == ["2 0002_create_m_t.sql"])
        #expect(try db.scalarInt("SELECT group_concat(x) FROM m_t") == 1, "0003's first insert was rolled back")
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'm_u'") == 0)
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'latest_order_v'") == 1)

        try fixture.migration("0003_fill_m_t.sql", "INSERT INTO m_t VALUES (2);\n")
        let store = try fixture.open()
        #expect(MigrationTests.ours(store.appliedMigrations) == ["0003_fill_m_t.sql", "0004_create_m_u.sql"])
        store.close()
        #expect(try fixture.connection().scalarString("SELECT group_concat(x) FROM m_t") == "1,2")
    }

    /// A brand-new database gets the baseline, every migration and the views in one transaction: a failed
    /// first start leaves no database behind (docs/contract.md §2).
    @Test func aFailingMigrationOnABrandNewDatabaseLeavesNoFile() throws {
        let fixture = try StoreFixture()
        try fixture.migration("0002_create_m_t.sql", "CREATE TABLE m_t (x);\n")
        try fixture.migration("0003_broken.sql", "CREATE TABLE (;\n")
        let error = try #require(MigrationTests.openError(fixture))
        #expect(error.contains("sql/migrations/0003_broken.sql") && error.contains("syntax error"), "\(error)")
        #expect(!FileManager.default.fileExists(atPath: fixture.dbPath))
        try fixture.migration("0003_broken.sql", "CREATE TABLE m_u (x);\n")
        let store = try fixture.open()
        #expect(MigrationTests.ours(store.appliedMigrations) == ["0002_create_m_t.sql", "0003_broken.sql"])
        store.close()
    }

    @Test func aDatabaseNewerThanTheBinaryIsRefused() throws {
        let fixture = try StoreFixture()
        try fixture.migration("0002_a.sql", "CREATE TABLE m_a (x);\n")
        try fixture.migration("0003_b.sql", "CREATE TABLE m_b (x);\n")
        try fixture.migration("0004_c.sql", "CREATE TABLE m_c (x);\n")
        try fixture.open().close()
        try fixture.remove("migrations/0004_c.sql")
        try fixture.remove("migrations/0003_b.sql")
        let error = try #require(MigrationTests.openError(fixture))
        #expect(error.contains("0004_c.sql") && error.contains("up to 0004"), "\(error)")
        #expect(error.contains("newer ordersync") && error.contains("up to 0002_a.sql"), "\(error)")
        try fixture.remove("migrations")
        let none = try #require(MigrationTests.openError(fixture))
        #expect(none.contains("it knows none"), "\(none)")
    }

    /// Hostile files: nothing of a refused migration is applied, and the error names the file.
    @Test(arguments: [
        ("", "holds no SQL statement"),
        ("  \n\t\n", "holds no SQL statement"),
        ("-- only a comment\n/* and another */\n", "holds no SQL statement"),
        ("CREATE TABLE m_h1 (x);\nCOMMIT;\nCREATE TABLE m_h2 (x);\n", "COMMIT: a migration runs inside"),
        ("BEGIN;\nCREATE TABLE m_h1 (x);\nCOMMIT;\n", "BEGIN: a migration runs inside"),
        ("CREATE TABLE m_h1 (x);\n/* c */ -- d\n  end transaction;\n", "END: a migration runs inside"),
        ("CREATE TABLE m_h1 (x);\nrollback;\n", "ROLLBACK: a migration runs inside"),
        ("CREATE TABLE m_h1 (x);\nCREATE TABLE m_h1 (x);\n", "already exists"),
        ("CREATE TABLE m_h1 (x);\nSELEC 1;\n", "syntax error"),
    ])
    func hostileMigrationsAreRefusedWhole(text: String, message: String) throws {
        let fixture = try StoreFixture()
        try fixture.open().close()
        try fixture.migration("0002_hostile.sql", text)
        let error = try #require(MigrationTests.openError(fixture))
        #expect(error.contains("sql/migrations/0002_hostile.sql"), "\(error)")
        #expect(error.contains(message), "\(error)")
        let db = try fixture.connection()
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'm_h%'") == 0)
        #expect(try db.scalarInt("SELECT count(*) FROM ordersync_migrations WHERE number > 1") == 0)
        #expect(!db.inTransaction)
    }

    @Test func invalidUTF8AndNULAreRefusedByName() throws {
        let fixture = try StoreFixture()
        try fixture.migration("0002_bytes.sql", "")
        try Data([0x43, 0xFF, 0xFE]).write(
            to: URL(fileURLWithPath: fixture.sqlDirectory + "/migrations/0002_bytes.sql"))
        let error = try #require(MigrationTests.openError(fixture))
        #expect(error.contains("0002_bytes.sql") && error.contains("UTF-8"), "\(error)")
        try fixture.migration("0002_bytes.sql", "CREATE TABLE m_n (x);\0DROP TABLE orders_raw;\n")
        let nul = try #require(MigrationTests.openError(fixture))
        #expect(nul.contains("0002_bytes.sql") && nul.contains("NUL"), "\(nul)")
    }

    /// What SQLite reads as one statement stays one: a trigger's BEGIN … END body, and savepoints.
    @Test func triggersAndSavepointsAreAllowed() throws {
        let fixture = try StoreFixture()
        try fixture.migration(
            "0002_trigger.sql",
            """
            CREATE TABLE m_log (x);
            CREATE TABLE m_t (x);
            CREATE TRIGGER m_t_logged AFTER INSERT ON m_t BEGIN INSERT INTO m_log VALUES (new.x); END;
            SAVEPOINT fill;
            INSERT INTO m_t VALUES (7);
            RELEASE fill;
            SELECT 1;
            """)
        try fixture.open().close()
        #expect(try fixture.connection().scalarInt("SELECT x FROM m_log") == 7)
    }
}
