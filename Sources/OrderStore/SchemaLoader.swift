import OrderCore
package import SQLite
import Threads

/// Applies `sql/tables/*.sql` then `sql/views/*.sql` in name order (docs/contract.md §2), in one
/// transaction: the files built into the executable (`EmbeddedSQL`, generated from the repository's
/// `sql/` by Plugins/EmbedSQL), or those of the directory `SQL_DIR` names instead.
///
/// Idempotent and recorded in `ordersync_sql_files`: a table file runs again only when its text
/// changed (so it must use `IF NOT EXISTS`); every view is dropped and created again from its file, so
/// edited or removed view files take effect at the next start. Each view is compiled once after
/// creation, so a view over a missing table or column fails at startup, not at the first query.
package enum SchemaLoader {
    /// What was applied: the views each file created, for `GET /views`.
    package struct Applied: Sendable {
        /// View names in file order.
        package let views: [String]
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
    /// throws `SchemaError` naming the first file that failed (nothing is kept).
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
        let directory = directory ?? builtInName
        do {
            try connection.execute("BEGIN IMMEDIATE")
            try connection.execute(bookkeeping)
        } catch {
            connection.rollbackQuietly()
            throw SchemaError(file: directory, message: error.message)
        }
        do throws(SchemaError) {
            let applied = try applyAll(tables: tables, views: views, connection: connection)
            try requireCoreSchema(connection, directory: directory)
            do { try connection.execute("COMMIT") } catch { throw SchemaError(file: directory, message: error.message) }
            return applied
        } catch {
            connection.rollbackQuietly()
            throw error
        }
    }

    private static func applyAll(tables: [SQLFile], views: [SQLFile], connection: Connection) throws(SchemaError)
        -> Applied
    {
        let now = Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText
        let recorded = try recordedFiles(connection)

        // Nothing changed since the last start: keep the views as they are (no write, no fsync).
        let recordedViews = recorded.filter { $0.value.kind == "views" }
        let unchanged =
            tables.allSatisfy { recorded[$0.name]?.sql == $0.sql }
            && views.count == recordedViews.count && views.allSatisfy { recorded[$0.name]?.sql == $0.sql }
        if unchanged {
            return Applied(views: views.flatMap { recorded[$0.name]?.objects ?? [] })
        }
        // Views first go away, so that table files may change what they read.
        for (file, entry) in recordedViews {
            for name in entry.objects where !name.isEmpty {
                try run("DROP VIEW IF EXISTS \(quoteIdentifier(name))", file: file, connection)
            }
        }
        for table in tables where recorded[table.name]?.sql != table.sql {
            try run(table.sql, file: table.name, connection)
            try record(table, objects: [], at: now, connection)
        }
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
        let present = Set((tables + views).map(\.name))
        for file in recorded.keys where !present.contains(file) {
            do {
                let statement = try connection.prepare("DELETE FROM ordersync_sql_files WHERE file = ?")
                try statement.bind([file])
                try statement.run()
            } catch {
                throw SchemaError(file: file, message: error.message)
            }
        }
        return Applied(views: viewNames)
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

    private static func recordedFiles(_ connection: Connection) throws(SchemaError) -> [String: (
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

    private static func viewSet(_ connection: Connection, file: String) throws(SchemaError) -> Set<String> {
        do {
            let statement = try connection.prepare("SELECT name FROM sqlite_schema WHERE type = 'view'")
            var names: Set<String> = []
            while try statement.step() { names.insert(statement.string(0) ?? "") }
            return names
        } catch {
            throw SchemaError(file: file, message: error.message)
        }
    }

    private static func run(_ sql: String, file: String, _ connection: Connection) throws(SchemaError) {
        do { try connection.execute(sql) } catch { throw SchemaError(file: file, message: error.message) }
    }

    /// Quotes an SQL identifier (names come from sqlite_schema, but are still quoted, never trusted).
    package static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
