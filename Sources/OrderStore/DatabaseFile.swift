import SQLite

/// A database file as the tools see it (`ordersync backup`, `verify`): SQLite's online backup, and
/// checks of a file: SQLite's own integrity check, the ordersync schema, the projections.
package enum DatabaseFile {
    package struct Report {
        package var problems: [String] = []
        package var summary = ""
    }

    /// Copies the live database at `source` to the new file `destination` (SQLite's online backup:
    /// consistent while a server writes). A failed copy leaves no file behind.
    package static func backup(from source: String, to destination: String) throws(SQLiteErrorText) {
        do {
            let connection = try Connection(path: source, mode: .readOnly)
            try connection.backup(to: destination)
        } catch {
            OrderStore.removeDatabaseFiles(destination)
            throw SQLiteErrorText(description: error.explanation)
        }
    }

    /// `sample` and `full`: the projections' check (ProjectionCheck, docs/projections.md).
    package static func verify(_ path: String, sample: Int = 1_000, full: Bool = false) throws -> Report {
        var report = Report()
        let connection: Connection
        do {
            connection = try Connection(path: path, mode: .readOnly)
            // Opening is lazy: read the schema now, so "not a database" shows here.
            _ = try connection.scalarInt("SELECT count(*) FROM sqlite_schema")
        } catch {
            report.problems.append("cannot open as SQLite: \(error.message)")
            return report
        }
        do {
            let check = try connection.prepare("PRAGMA integrity_check")
            var messages: [String] = []
            while try check.step() { messages.append(check.string(0) ?? "") }
            if messages != ["ok"] {
                report.problems.append("integrity_check: " + messages.prefix(5).joined(separator: ", "))
            }
            let required = [
                ("table", "orders_raw"), ("trigger", "orders_raw_no_update"), ("trigger", "orders_raw_no_delete"),
                ("view", "latest_order_v"), ("table", "ordersync_sql_files"),
            ]
            let lookup = try connection.prepare("SELECT count(*) FROM sqlite_schema WHERE type = ? AND name = ?")
            for (type, name) in required {
                try lookup.bind([type, name])
                let found = try lookup.step() ? lookup.int64(0) : 0
                lookup.reset()
                if found != 1 { report.problems.append("missing \(type) \(name)") }
            }
            if report.problems.isEmpty {
                let rows = try connection.scalarInt("SELECT count(*) FROM orders_raw") ?? 0
                let orders = try connection.scalarInt("SELECT count(DISTINCT order_id) FROM orders_raw") ?? 0
                report.summary = "\(rows) order versions of \(orders) orders"
                let projections = try ProjectionCheck.run(connection, sample: sample, full: full)
                report.problems += projections.problems
                report.summary += "; " + projections.checked
            }
        } catch {
            report.problems.append("\(error)")
        }
        return report
    }
}

/// SQLite's explanation of a failed tool operation, for the command line.
package struct SQLiteErrorText: Error, CustomStringConvertible {
    package let description: String
}
