import OrderStore
import SQLite

#if canImport(Glibc)
    import Glibc
#endif

/// Checks a database file: SQLite's own integrity check, and that the ordersync schema is there.
enum DatabaseVerifier {
    struct Report {
        var problems: [String] = []
        var summary = ""
    }

    /// `sample` and `full`: the projections' check (ProjectionCheck, docs/projections.md).
    static func verify(_ path: String, sample: Int = 1_000, full: Bool = false) throws -> Report {
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

enum FileChecks {
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}
