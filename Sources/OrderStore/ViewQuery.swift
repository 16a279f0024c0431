package import Storage
package import SQLite
package import Storage

/// The SQL of a view query: built only from catalog names (quoted); every client value is bound.
extension ViewQuery {
    /// The SQL text and its bound values. Rows come in key order (or the view's own order without a key).
    package func sql(extraRow: Bool) -> (text: String, values: [Value]) {
        var conditions: [String] = []
        var values: [Value] = []
        for filter in filters {
            conditions.append(filter.condition)
            values.append(filter.value)
        }
        if case .after(let keyValues) = cursor, keyValues.count == view.key.count, !keyValues.isEmpty {
            let columns = view.key.map(SchemaLoader.quoteIdentifier).joined(separator: ", ")
            let marks = Array(repeating: "?", count: keyValues.count).joined(separator: ", ")
            conditions.append(view.key.count == 1 ? "\(columns) > ?" : "(\(columns)) > (\(marks))")
            values += keyValues
        }
        var text = "SELECT * FROM \(SchemaLoader.quoteIdentifier(readFrom ?? view.name))"
        if !conditions.isEmpty { text += " WHERE " + conditions.joined(separator: " AND ") }
        if !view.key.isEmpty {
            text += " ORDER BY " + view.key.map(SchemaLoader.quoteIdentifier).joined(separator: ", ")
        }
        if let limit {
            text += " LIMIT \(limit + (extraRow ? 1 : 0))"
            if case .offset(let offset) = cursor { text += " OFFSET \(offset)" }
        } else if case .offset(let offset) = cursor {
            text += " LIMIT -1 OFFSET \(offset)"
        }
        return (text, values)
    }

    /// Prepares the query on `connection` with its values bound.
    package func prepare(_ connection: Connection, extraRow: Bool) throws -> Statement {
        let (text, values) = sql(extraRow: extraRow)
        let statement = try connection.prepare(text)
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            switch value {
            case .integer(let number): try statement.bind(position, number)
            case .real(let number): try statement.bind(position, number)
            case .text(let string): try statement.bind(position, string)
            }
        }
        return statement
    }
}

extension ViewFilter {
    /// The SQL condition, with one `?` for the value. The column name comes from the catalog.
    var condition: String {
        let quoted = SchemaLoader.quoteIdentifier(column)
        // typeof: text only, whatever the column's affinity (an INTEGER column would convert '4' to 4).
        return comparison == .equal ? "\(quoted) = ?" : "(typeof(\(quoted)) = 'text' AND \(quoted) = ? COLLATE NOCASE)"
    }
}
