import Foundation
import OrderStore
import Storage
import SQLite
import Testing

/// The SQL built into the executables (Plugins/EmbedSQL) is exactly the repository's `sql/`, applied in
/// the same order as from a directory; and a store that fails to open leaves no file it created.
@Suite struct EmbeddedSQLTests {
    /// Every `sql/**/*.sql` file on disk, as `sql/<relative path>` → text.
    static func filesOnDisk() throws -> [String: String] {
        let root = StoreFixture.repositorySQL
        var files: [String: String] = [:]
        let walker = FileManager.default.enumerator(atPath: root)
        while let relative = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard relative.hasSuffix(".sql"),
                FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory),
                !isDirectory.boolValue
            else { continue }
            files["sql/" + relative] = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
        }
        return files
    }

    @Test func embeddedTextsAreTheFilesOnDisk() throws {
        let disk = try EmbeddedSQLTests.filesOnDisk()
        let embedded = EmbeddedSQL.files
        #expect(!disk.isEmpty)
        #expect(embedded.map(\.name).sorted() == disk.keys.sorted(), "a file added or removed is picked up")
        #expect(Set(embedded.map(\.name)).count == embedded.count)
        for file in embedded {
            // Compared byte for byte: an escaping slip in the generated literal would show here.
            #expect(Array(file.text.utf8) == Array((disk[file.name] ?? "").utf8), "\(file.name) differs from disk")
        }
        #expect(embedded.map(\.name) == embedded.map(\.name).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    @Test func builtInSQLAppliesLikeTheDirectory() throws {
        let fixture = try StoreFixture()
        let fromDirectory = try OrderStore(path: fixture.root + "/directory.db", sqlDirectory: fixture.sqlDirectory)
        defer { fromDirectory.close() }
        let builtIn = try OrderStore(path: fixture.root + "/built-in.db", sqlDirectory: nil)
        defer { builtIn.close() }
        #expect(builtIn.views == fromDirectory.views, "the same views, in the same (file) order")
        #expect(builtIn.views.contains("latest_order_v"))
        let files = try builtIn.readers.withReader { connection in
            let statement = try connection.prepare("SELECT file FROM ordersync_sql_files ORDER BY file")
            var names: [String] = []
            while try statement.step() { names.append(statement.string(0) ?? "") }
            return names
        }
        let expected = EmbeddedSQL.files.map(\.name).filter {
            $0.hasPrefix("sql/tables/") || $0.hasPrefix("sql/views/")
        }
        #expect(files == expected.sorted())
    }

    /// A failed open removes the file it created (and -wal, -shm), but never a file that was there.
    @Test func failedOpenLeavesNoStubDatabase() throws {
        let fixture = try StoreFixture()
        try fixture.write("views/zz_broken_v.sql", "CREATE VIEW zz_broken_v AS SELECT nope FROM nowhere;")
        let fresh = fixture.root + "/fresh/orders.db"
        #expect(throws: OrderStore.OpenError.self) {
            try OrderStore(path: fresh, sqlDirectory: fixture.sqlDirectory)
        }
        for suffix in ["", "-wal", "-shm", "-journal"] {
            #expect(!FileManager.default.fileExists(atPath: fresh + suffix), "\(fresh + suffix) left behind")
        }

        let existing = fixture.root + "/existing.db"
        let store = try OrderStore(path: existing, sqlDirectory: nil)
        store.close()
        #expect(throws: OrderStore.OpenError.self) {
            try OrderStore(path: existing, sqlDirectory: fixture.sqlDirectory)
        }
        #expect(FileManager.default.fileExists(atPath: existing), "a database that existed stays")
        let reopened = try OrderStore(path: existing, sqlDirectory: nil)
        reopened.close()

        #expect(throws: OrderStore.OpenError.self) {
            try OrderStore(path: fixture.root + "/none.db", sqlDirectory: fixture.root + "/no-such-sql")
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.root + "/none.db"))
    }
}
