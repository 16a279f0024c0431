package import Storage
import OrderCore
package import SQLite
import Threads

/// Applies `sql/tables/*.sql`, then `sql/migrations/*.sql`, then `sql/views/*.sql` (docs/contract.md §2):
/// the files built into the executable (`EmbeddedSQL`, generated from the repository's `sql/` by
/// Plugins/EmbedSQL), or those of the directory `SQL_DIR` names instead.
///
/// Table files are recorded in `ordersync_sql_files` and run again only when their text changed (so they
/// must use `IF NOT EXISTS`); they are the baseline schema, and a change to an existing database is a
/// migration (SchemaLoader+Migrations.swift), applied once in its own transaction. Every view is dropped
/// and created again from its file when anything changed, so edited or removed view files take effect at
/// the next start; each is compiled once after creation, so a view over a missing table or column fails
/// at startup, not at the first query.
///
/// On an existing database the tables, each migration and the views are separate transactions, so a
/// failing migration undoes only itself. A brand-new one (no schema at all when the write lock is taken)
/// gets everything in one transaction: a failed first start leaves no half-made database behind.
package enum SchemaLoader {
    /// What was applied: the views each file created, for `GET /views`, and the migrations this start
    /// applied (for the log).
    package struct Applied: Sendable {
        /// View names in file order.
        package let views: [String]
        /// File names of the migrations this call applied, in number order (none when all were applied).
        package let migrations: [String]
    }

    static let bookkeeping = """
        CREATE TABLE IF NOT EXISTS ordersync_sql_files (
            file       TEXT PRIMARY KEY,
            kind       TEXT NOT NULL,
            sql        TEXT NOT NULL,
            objects    TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )
        """

    /// What `apply` names when the built-in files fail (they never should: tests apply them all).
    package static let builtInName = "built-in sql"

    /// Applies the SQL files of `directory`, or the built-in ones (`EmbeddedSQL`) when it is nil;
    /// throws `SchemaError` naming the first file that failed. What failed is rolled back; migrations
    /// applied before it stay applied (on an existing database).
    package static func apply(directory: String?, to connection: Connection) throws(SchemaError) -> Applied {
        let tables: [SQLFile]
        let views: [SQLFile]
        if let directory {
            guard FileSystem.isDirectory(directory) else {
                throw SchemaError(
                    file: directory, message: "SQL directory not found (SQL_DIR; unset it to use the built-in SQL)")
            }
            tables = try files(in: directory, kind: "tables")
            views = try files(in: directory, kind: "views")
        } else {
            tables = embeddedFiles(kind: "tables")
            views = embeddedFiles(kind: "views")
        }
        // Names, numbers and gaps are checked before the database is touched.
        let migrations = try migrations(directory: directory)
        let label = directory ?? builtInName
        let fresh: Bool
        do {
            try connection.execute("BEGIN IMMEDIATE")
            fresh = try connection.scalarInt("SELECT count(*) FROM sqlite_schema") == 0
            try connection.execute(bookkeeping)
            try connection.execute(migrationBookkeeping)
        } catch {
            connection.rollbackQuietly()
            throw SchemaError(file: label, message: error.message)
        }
        var applied: [String] = []
        let tableFiles = Set(tables.map(\.name))
        do throws(SchemaError) {
            let recorded = try checkRecorded(migrations, connection)
            let tablesChanged = try applyTables(tables, connection)
            // With no migration to apply, table files and views change in this one transaction, so a
            // server already running on the file never sees the views missing.
            let pending = migrations.filter { recorded[$0.number] == nil }
            if !fresh && pending.isEmpty {
                let views = try applyViews(views, keeping: tableFiles, force: tablesChanged, connection)
                try requireCoreSchema(connection, directory: label)
                try run("COMMIT", file: label, connection)
                return Applied(views: views, migrations: [])
            }
            if !fresh { try run("COMMIT", file: label, connection) }
            for migration in migrations {
                do {
                    // The last one re-creates the views in its own transaction, so they are missing only
                    // between migrations (the views are written for the schema after the last).
                    let last = migration.number == pending.last?.number && !fresh
                    let restore: (() throws(SchemaError) -> Void)? =
                        last ? { () throws(SchemaError) in
                            _ = try applyViews(views, keeping: tableFiles, force: true, connection)
                        } : nil
                    if try apply(migration, of: migrations, ownTransaction: !fresh, beforeCommit: restore, connection) {
                        applied.append(migration.name)
                    }
                } catch {
                    guard !fresh else { throw error }
                    connection.rollbackQuietly()
                    // The migrations before it stay; the views they dropped come back over them if they can.
                    restoreViews(views, keeping: tableFiles, connection)
                    let before =
                        applied.isEmpty ? "" : " (applied before it, and kept: \(applied.joined(separator: ", ")))"
                    throw SchemaError(file: error.file, message: error.message + before)
                }
            }
            // Re-creates the views only when they are missing (another process applied the last migration
            // and is about to create them) or a view file changed.
            if !fresh { try run("BEGIN IMMEDIATE", file: label, connection) }
            let views = try applyViews(views, keeping: tableFiles, force: fresh, connection)
            try requireCoreSchema(connection, directory: label)
            try run("COMMIT", file: label, connection)
            return Applied(views: views, migrations: applied)
        } catch {
            connection.rollbackQuietly()
            throw error
        }
    }

    /// Runs the table files whose text changed since they were recorded; true when one did.
    private static func applyTables(_ tables: [SQLFile], _ connection: Connection) throws(SchemaError) -> Bool {
        let now = Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText
        let recorded = try recordedFiles(connection)
        let changed = tables.filter { recorded[$0.name]?.sql != $0.sql }
        guard !changed.isEmpty else { return false }
        // Views first go away (re-created after the migrations), so that table files may change what they read.
        try dropRecordedViews(connection)
        for table in changed {
            try run(table.sql, file: table.name, connection)
            try record(table, objects: [], at: now, connection)
        }
        return true
    }

    /// Drops every view a view file created (as recorded).
    static func dropRecordedViews(_ connection: Connection) throws(SchemaError) {
        for (file, entry) in try recordedFiles(connection) where entry.kind == "views" {
            for name in entry.objects where !name.isEmpty {
                try run("DROP VIEW IF EXISTS \(quoteIdentifier(name))", file: file, connection)
            }
        }
    }

    /// After a failed migration: the views again, in a transaction of their own, or nothing if they do not
    /// compile over what was applied (the next start creates them, as startup stops anyway).
    private static func restoreViews(_ views: [SQLFile], keeping tableFiles: Set<String>, _ connection: Connection) {
        do throws(SchemaError) {
            try run("BEGIN IMMEDIATE", file: builtInName, connection)
            _ = try applyViews(views, keeping: tableFiles, force: true, connection)
            try run("COMMIT", file: builtInName, connection)
        } catch {
            connection.rollbackQuietly()
        }
    }

    /// Creates the views again when `force`, when a view file changed, or when a recorded view is missing
    /// (a start that stopped between its migrations and its views); forgets files no longer present.
    private static func applyViews(
        _ views: [SQLFile], keeping tableFiles: Set<String>, force: Bool, _ connection: Connection
    ) throws(SchemaError) -> [String] {
        let now = Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText
        let recorded = try recordedFiles(connection)
        let recordedViews = recorded.filter { $0.value.kind == "views" }
        let existing = try viewSet(connection, file: "ordersync_sql_files")
        // Nothing changed since the last start: keep the views as they are (no write, no fsync).
        let unchanged =
            !force && views.count == recordedViews.count && views.allSatisfy { recorded[$0.name]?.sql == $0.sql }
            && recordedViews.values.allSatisfy { $0.objects.allSatisfy { $0.isEmpty || existing.contains($0) } }
        if unchanged {
            return views.flatMap { recorded[$0.name]?.objects ?? [] }
        }
        try dropRecordedViews(connection)
        var viewNames: [String] = []
        var createdBy: [(file: SQLFile, views: [String])] = []
        for view in views {
            let before = try viewSet(connection, file: view.name)
            try run(view.sql, file: view.name, connection)
            createdBy.append((view, try viewSet(connection, file: view.name).subtracting(before).sorted()))
        }
        // Compiled only once all exist, so a view may read another whatever the order of their file names.
        for (view, created) in createdBy {
            for name in created {
                // Compiling the view resolves every table, view and column it names.
                do { _ = try connection.prepare("SELECT * FROM \(quoteIdentifier(name)) LIMIT 0") } catch {
                    throw SchemaError(file: view.name, message: "view \(name): \(error.message)")
                }
            }
            try record(view, objects: created, at: now, connection)
            viewNames.append(contentsOf: created)
        }
        let present = tableFiles.union(views.map(\.name))
        for file in recorded.keys where !present.contains(file) {
            do {
                let statement = try connection.prepare("DELETE FROM ordersync_sql_files WHERE file = ?")
                try statement.bind([file])
                try statement.run()
            } catch {
                throw SchemaError(file: file, message: error.message)
            }
        }
        return viewNames
    }

    /// The service cannot work without `orders_raw` and `latest_order_v`: a SQL directory that does not
    /// create them is a configuration error, found at startup rather than at the first request.
    private static func requireCoreSchema(_ connection: Connection, directory: String) throws(SchemaError) {
        for (type, name) in [("table", "orders_raw"), ("view", "latest_order_v")] {
            let found: Int64?
            do {
                let statement = try connection.prepare("SELECT count(*) FROM sqlite_schema WHERE type = ? AND name = ?")
                try statement.bind([type, name])
                found = try statement.step() ? statement.int64(0) : nil
            } catch {
                throw SchemaError(file: directory, message: error.message)
            }
            guard found == 1 else {
                throw SchemaError(file: directory, message: "no SQL file creates the \(type) \(name)")
            }
        }
    }

    struct SQLFile {
        let name: String
        let kind: String
        let sql: String
    }

    /// The built-in `sql/<kind>/*.sql` files, in the order `files(in:kind:)` reads a directory: only files
    /// directly in the subdirectory, sorted by their names' UTF-8 bytes.
    static func embeddedFiles(kind: String) -> [SQLFile] {
        let prefix = "sql/\(kind)/"
        return EmbeddedSQL.files.filter { $0.name.hasPrefix(prefix) && !$0.name.dropFirst(prefix.count).contains("/") }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            .map { SQLFile(name: $0.name, kind: kind, sql: $0.text) }
    }

    /// The `.sql` files of one subdirectory, sorted by name; a missing subdirectory has none.
    static func files(in directory: String, kind: String) throws(SchemaError) -> [SQLFile] {
        let folder = FileSystem.join(directory, kind)
        let label = "\(FileSystem.lastComponent(directory))/\(kind)"
        guard FileSystem.exists(folder) else { return [] }
        guard FileSystem.isDirectory(folder) else { throw SchemaError(file: label, message: "is not a directory") }
        guard let names = FileSystem.list(folder) else { throw SchemaError(file: label, message: "cannot be read") }
        var result: [SQLFile] = []
        for name in names.filter({ $0.hasSuffix(".sql") }).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let display = "\(label)/\(name)"
            guard let data = FileSystem.read(FileSystem.join(folder, name)) else {
                throw SchemaError(file: display, message: "cannot be read")
            }
            guard let sql = String(validating: data, as: UTF8.self) else {
                throw SchemaError(file: display, message: "is not valid UTF-8")
            }
            guard !sql.contains("\0") else { throw SchemaError(file: display, message: "contains a NUL byte") }
            result.append(SQLFile(name: display, kind: kind, sql: sql))
        }
        return result
    }

    static func recordedFiles(_ connection: Connection) throws(SchemaError) -> [String: (
        kind: String, sql: String, objects: [String]
    )] {
        var result: [String: (kind: String, sql: String, objects: [String])] = [:]
        do {
            let statement = try connection.prepare("SELECT file, kind, sql, objects FROM ordersync_sql_files")
            while try statement.step() {
                let objects = (statement.string(3) ?? "").split(separator: "\n").map(String.init)
                result[statement.string(0) ?? ""] = (statement.string(1) ?? "", statement.string(2) ?? "", objects)
            }
        } catch {
            throw SchemaError(file: "ordersync_sql_files", message: error.message)
        }
        return result
    }

    private static func record(_ file: SQLFile, objects: [String], at time: String, _ connection: Connection)
        throws(SchemaError)
    {
        do {
            let statement = try connection.prepare(
                "INSERT OR REPLACE INTO ordersync_sql_files (file, kind, sql, objects, applied_at) VALUES (?, ?, ?, ?, ?)"
            )
            try statement.bind([file.name, file.kind, file.sql, objects.joined(separator: "\n"), time])
            try statement.run()
        } catch {
            throw SchemaError(file: file.name, message: error.message)
        }
    }

    static func viewSet(_ connection: Connection, file: String) throws(SchemaError) -> Set<String> {
        do {
            let statement = try connection.prepare("SELECT name FROM sqlite_schema WHERE type = 'view'")
            var names: Set<String> = []
            while try statement.step() { names.insert(statement.string(0) ?? "") }
            return names
        } catch {
            throw SchemaError(file: file, message: error.message)
        }
    }

    static func run(_ sql: String, file: String, _ connection: Connection) throws(SchemaError) {
        do { try connection.execute(sql) } catch { throw SchemaError(file: file, message: error.message) }
    }

    /// Quotes an SQL identifier (names come from sqlite_schema, but are still quoted, never trusted).
    package static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
