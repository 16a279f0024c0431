package import Storage
import SQLite

/// A SQLite database as the source of `ordersync copy`: read-only, a chunk of rows per read.
package final class SQLiteCopySource: CopySource {
    private let connection: Connection

    package init(path: String) throws(ReadOnlyStore.OpenError) {
        _ = try ReadOnlyStore(path: path)  // the file exists and holds an ordersync schema
        do {
            connection = try Connection(path: path, mode: .readOnly)
        } catch {
            throw ReadOnlyStore.OpenError(description: "cannot read \(path): \(error.message)")
        }
    }

    package func rows(of table: CopiedTable, after: Int64, limit: Int) throws(StoreError) -> [[String?]] {
        let columns = table.columns.map { column in
            let quoted = SchemaLoader.quoteIdentifier(column)
            // PostgreSQL's text of bytea (CopiedTable.bytes).
            return table.bytes.contains(column) ? "'\\x' || lower(hex(\(quoted)))" : quoted
        }.joined(separator: ", ")
        var sql = "SELECT \(columns) FROM \(SchemaLoader.quoteIdentifier(table.name))"
        if let key = table.key.map(SchemaLoader.quoteIdentifier) {
            sql += " WHERE \(key) > ? ORDER BY \(key) LIMIT ?"
        } else {
            // Bytes, as the target's COLLATE "C".
            sql += " ORDER BY " + table.primaryKey.map(SchemaLoader.quoteIdentifier).joined(separator: ", ")
        }
        do {
            let statement = try connection.cached(sql)
            defer { statement.reset() }
            if table.key != nil {
                try statement.bind(1, after)
                try statement.bind(2, Int64(limit))
            }
            var rows: [[String?]] = []
            while try statement.step() { rows.append((0..<Int32(table.columns.count)).map { statement.string($0) }) }
            return rows
        } catch {
            throw StoreError.from(error)
        }
    }
}
