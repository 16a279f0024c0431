package import Storage
package import SQLite
package import Storage

extension ViewCatalog {
    /// Reads the catalog from the database (the SQL files must have been applied).
    package static func load(_ connection: Connection) throws -> ViewCatalog {
        let files = try connection.prepare(
            "SELECT sql, objects FROM ordersync_sql_files WHERE kind = 'views' ORDER BY file")
        var views: [View] = []
        while try files.step() {
            let sql = files.string(0) ?? ""
            let header = headerComment(sql)
            for name in (files.string(1) ?? "").split(separator: "\n").map(String.init) where !name.isEmpty {
                let probe = try connection.prepare("SELECT * FROM \(SchemaLoader.quoteIdentifier(name)) LIMIT 0")
                let columns = (0..<probe.columnCount).map { probe.columnName($0) }
                let key = header.key.filter { columns.contains($0) }
                views.append(
                    View(
                        name: name, description: header.description, columns: columns,
                        key: key.count == header.key.count ? key : []))
            }
        }
        return ViewCatalog(views: views)
    }
}
