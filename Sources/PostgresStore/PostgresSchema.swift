import FoundationEssentials
import OrderCore
import PostgreSQL
import Storage
import Threads

/// Applies the PostgreSQL dialect of the SQL files (sql/postgresql/: tables, functions, migrations,
/// views; docs/postgresql.md) in one transaction, under a transaction-scoped advisory lock, so that
/// several instances starting together apply them once: the first does the work, the others wait for
/// its commit and find nothing left to do. PostgreSQL's DDL is transactional: a failing file rolls
/// everything back and the start stops, naming the file.
enum PostgresSchema {
    /// One SQL file: its name as shown in errors (`sql/postgresql/views/x.sql`), kind and text.
    struct File: Sendable {
        let name: String
        let kind: Kind
        let sql: String
    }

    enum Kind: String, Sendable, CaseIterable {
        case tables, functions, migrations, views
    }

    /// Advisory-lock class of the schema (the orders' own locks use 1869767251: ordersync_ingest.sql).
    static let lockClass: Int32 = 1869767252

    /// What the files created: the views, in file order, and the migrations this call applied.
    struct Applied {
        var views: [String] = []
        var migrations: [String] = []
    }

    /// The files of `sqlDirectory/postgresql/` (SQL_DIR), or the built-in ones when it is nil, in the
    /// order they apply: by kind, then by name (bytes).
    static func files(sqlDirectory: String?) throws(SchemaError) -> [File] {
        var files: [File] = []
        for kind in Kind.allCases {
            if let sqlDirectory {
                let folder = sqlDirectory + "/postgresql/" + kind.rawValue
                guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
                for name in names.filter({ $0.hasSuffix(".sql") }).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                    let path = folder + "/" + name
                    guard let data = FileManager.default.contents(atPath: path),
                        let text = String(validating: data, as: UTF8.self)
                    else { throw SchemaError(file: path, message: "cannot be read as UTF-8 text") }
                    files.append(File(name: "sql/postgresql/\(kind.rawValue)/\(name)", kind: kind, sql: text))
                }
            } else {
                // EmbeddedSQL.files is sorted by path (Plugins/EmbedSQLTool/main.swift).
                let prefix = "sql/postgresql/\(kind.rawValue)/"
                for entry in EmbeddedSQL.files
                where entry.name.hasPrefix(prefix) && !entry.name.dropFirst(prefix.count).contains("/") {
                    files.append(File(name: entry.name, kind: kind, sql: entry.text))
                }
            }
        }
        return files
    }

    static func apply(_ files: [File], on connection: PGConnection) throws(SchemaError) -> Applied {
        var current = "sql/postgresql"
        do {
            _ = try connection.query("BEGIN")
            _ = try connection.query("SELECT pg_advisory_xact_lock($1::integer, 0)", [.int64(Int64(lockClass))])
            try connection.execute(
                """
                CREATE TABLE IF NOT EXISTS ordersync_sql_files (
                    file text COLLATE "C" PRIMARY KEY, kind text NOT NULL, sql text NOT NULL,
                    objects text NOT NULL DEFAULT '');
                CREATE TABLE IF NOT EXISTS ordersync_migrations (
                    name text COLLATE "C" PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
                """)
            let recorded = try recordedFiles(connection)
            let migrated = Set(try column(connection, "SELECT name FROM ordersync_migrations"))
            let pending = files.filter { $0.kind == .migrations && !migrated.contains(baseName($0.name)) }
            let unchanged = pending.isEmpty && files.allSatisfy { file in
                file.kind == .migrations || recorded[file.name]?.sql == file.sql
            } && recorded.keys.allSatisfy { name in files.contains { $0.name == name } }
            var applied = Applied()
            if !unchanged {
                // Views first go, all of them: a table file or a migration may change what they read.
                for (_, row) in recorded where row.kind == Kind.views.rawValue {
                    for view in row.objects { try connection.execute("DROP VIEW IF EXISTS \(quote(view)) CASCADE") }
                }
                _ = try connection.query("DELETE FROM ordersync_sql_files")
                for kind in [Kind.tables, .functions] {
                    for file in files where file.kind == kind {
                        current = file.name
                        try connection.execute(file.sql)
                        try record(file, objects: [], connection)
                    }
                }
                for file in pending {
                    current = file.name
                    try connection.execute(file.sql)
                    _ = try connection.query(
                        "INSERT INTO ordersync_migrations (name) VALUES ($1)", [.text(baseName(file.name))])
                    applied.migrations.append(baseName(file.name))
                }
                // A view may read a view of a later file (customer_profiles_v reads shopify_orders_v):
                // SQLite compiles views lazily, PostgreSQL at CREATE. So a file that names a relation
                // not made yet waits for the next pass, until a pass makes no progress.
                var waiting = files.filter { $0.kind == .views }
                while !waiting.isEmpty {
                    var next: [File] = []
                    var lastError: PostgresError?
                    for file in waiting {
                        current = file.name
                        let before = Set(try column(connection, viewsSQL))
                        if let missing = try createUnlessMissing(file, connection) {
                            next.append(file)
                            lastError = missing
                            continue
                        }
                        let created = try column(connection, viewsSQL).filter { !before.contains($0) }.sorted()
                        try record(file, objects: created, connection)
                    }
                    if next.count == waiting.count, let lastError {
                        current = next[0].name
                        throw lastError
                    }
                    waiting = next
                }
            }
            current = "sql/postgresql/functions/ordersync_project.sql"
            try prepareProjections(connection, force: false)
            _ = try connection.query("COMMIT")
            applied.views = try viewNames(connection)
            return applied
        } catch {
            connection.rollbackQuietly()
            throw SchemaError(file: current, message: "\(error)")
        }
    }

    /// Writes the projections' progress row when it is missing, and starts their backfill over when
    /// the status vocabulary changed or `force` (ordersync_projection_prepare in
    /// sql/postgresql/functions/ordersync_project.sql). Nothing on a database without them (a SQL
    /// directory without the function).
    static func prepareProjections(_ connection: PGConnection, force: Bool) throws(PostgresError) {
        let exists = try connection.query("SELECT to_regproc('ordersync_projection_prepare') IS NOT NULL")
        guard exists.string(0, 0) == "t" else { return }
        let now = Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText
        _ = try connection.query("SELECT ordersync_projection_prepare($1, $2)", [.text(now), .bool(force)])
    }

    /// Runs a view file inside a savepoint. When it names a relation that does not exist yet (42P01),
    /// undoes it and returns that error; any other error is thrown.
    private static func createUnlessMissing(_ file: File, _ connection: PGConnection) throws(PostgresError)
        -> PostgresError?
    {
        _ = try connection.query("SAVEPOINT ordersync_view")
        let failure: PostgresError
        do {
            try connection.execute(file.sql)
            _ = try connection.query("RELEASE SAVEPOINT ordersync_view")
            return nil
        } catch {
            failure = error
        }
        guard failure.sqlState == "42P01" else { throw failure }
        _ = try connection.query("ROLLBACK TO SAVEPOINT ordersync_view")
        return failure
    }

    /// The views the recorded view files created, in file order.
    static func viewNames(_ connection: PGConnection) throws(PostgresError) -> [String] {
        let result = try connection.query(
            "SELECT objects FROM ordersync_sql_files WHERE kind = 'views' ORDER BY file COLLATE \"C\"")
        var names: [String] = []
        for row in 0..<result.rowCount {
            names += (result.string(row, 0) ?? "").split(separator: "\n").map(String.init)
        }
        return names
    }

    private static let viewsSQL =
        "SELECT viewname::text FROM pg_views WHERE schemaname = current_schema()"

    private struct Recorded {
        let kind: String
        let sql: String
        let objects: [String]
    }

    private static func recordedFiles(_ connection: PGConnection) throws(PostgresError) -> [String: Recorded] {
        let result = try connection.query("SELECT file, kind, sql, objects FROM ordersync_sql_files")
        var files: [String: Recorded] = [:]
        for row in 0..<result.rowCount {
            files[result.string(row, 0) ?? ""] = Recorded(
                kind: result.string(row, 1) ?? "", sql: result.string(row, 2) ?? "",
                objects: (result.string(row, 3) ?? "").split(separator: "\n").map(String.init))
        }
        return files
    }

    private static func record(_ file: File, objects: [String], _ connection: PGConnection) throws(PostgresError) {
        _ = try connection.query(
            "INSERT INTO ordersync_sql_files (file, kind, sql, objects) VALUES ($1, $2, $3, $4)",
            [.text(file.name), .text(file.kind.rawValue), .text(file.sql), .text(objects.joined(separator: "\n"))])
    }

    private static func column(_ connection: PGConnection, _ sql: String) throws(PostgresError) -> [String] {
        let result = try connection.query(sql)
        return (0..<result.rowCount).compactMap { result.string($0, 0) }
    }

    static func baseName(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }

    /// A catalog name as a quoted identifier (names come from the files, never from a client).
    static func quote(_ name: String) -> String {
        "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
