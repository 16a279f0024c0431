import SQLite

/// Opens a database that the server or `ordersync migrate` made, for the commands that only read it
/// (`query`): read-only, so a wrong path never creates a file, and with an answer that says what to do
/// when the file is missing or was never migrated, instead of SQLite's "no such table".
enum ExistingDatabase {
    /// Tables every migrated database has (sql/tables/orders_raw.sql and SchemaLoader's bookkeeping).
    static let markers = ["orders_raw", "ordersync_sql_files"]

    static func open(_ path: String) throws -> Connection {
        let advice = "run `ordersync migrate` or start the server once (DB_PATH or --db-path names the file)"
        guard FileChecks.exists(path) else { throw Failure("database \(path) does not exist: \(advice)") }
        let connection: Connection
        let found: Int64
        do {
            connection = try Connection(path: path, mode: .readOnly)
            let statement = try connection.prepare(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN (?, ?)")
            try statement.bind(markers)
            found = try statement.step() ? statement.int64(0) : 0
        } catch {
            throw Failure("cannot read \(path): \(error.message)")
        }
        guard found == markers.count else { throw Failure("database \(path) has no ordersync schema: \(advice)") }
        return connection
    }
}
