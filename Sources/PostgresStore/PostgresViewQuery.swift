import Storage

/// A view query in PostgreSQL's dialect (the SQLite engine's: Sources/OrderStore/ViewQuery.swift),
/// with SQLite's comparison semantics kept: text compares byte for byte (`COLLATE "C"`), numbers
/// compare as numbers, a number never equals text, NULLs sort first. Only catalog names enter the
/// text (quoted); every client value is bound.
struct PostgresViewQuery {
    let text: String
    let values: [String]

    init(text: String, values: [String] = []) {
        self.text = text
        self.values = values
    }

    /// `kinds`: what each of the view's columns holds (from the catalog's probe), by column name.
    init(_ query: ViewQuery, kinds: [String: CellKind], extraRow: Bool) {
        var conditions: [String] = []
        var values: [String] = []
        func bind(_ value: ViewQuery.Value) -> String {
            switch value {
            case .integer(let number): values.append(String(number))
            case .real(let number): values.append("\(number)")
            case .text(let text): values.append(text)
            }
            return "$\(values.count)"
        }
        func numeric(_ column: String) -> Bool { [.integer, .real].contains(kinds[column] ?? .text) }
        for filter in query.filters {
            let column = PostgresSchema.quote(filter.column)
            switch (filter.comparison, numeric(filter.column), filter.value) {
            case (.equalIgnoringCase, false, _):
                conditions.append("lower(\(column)::text COLLATE \"C\") = lower(\(bind(filter.value))::text COLLATE \"C\")")
            case (.equalIgnoringCase, true, _), (.equal, true, .text):
                conditions.append("FALSE")  // text never equals a number (SQLite: typeof, no affinity)
            case (.equal, true, _):
                conditions.append("\(column)::numeric = \(bind(filter.value))::numeric")
            case (.equal, false, _):
                conditions.append("\(column)::text COLLATE \"C\" = \(bind(filter.value))::text")
            }
        }
        let keys = query.view.key
        func keyTerm(_ column: String) -> String {
            numeric(column) ? PostgresSchema.quote(column) : "\(PostgresSchema.quote(column))::text COLLATE \"C\""
        }
        if case .after(let keyValues) = query.cursor, keyValues.count == keys.count, !keyValues.isEmpty {
            let left = keys.map(keyTerm).joined(separator: ", ")
            let right = zip(keys, keyValues).map { column, value in
                numeric(column) ? "\(bind(value))::numeric" : "\(bind(value))::text"
            }.joined(separator: ", ")
            conditions.append(keys.count == 1 ? "\(left) > \(right)" : "(\(left)) > (\(right))")
        }
        var text = "SELECT * FROM \(PostgresSchema.quote(query.readFrom ?? query.view.name))"
        if !conditions.isEmpty { text += " WHERE " + conditions.joined(separator: " AND ") }
        if !keys.isEmpty { text += " ORDER BY " + keys.map { keyTerm($0) + " NULLS FIRST" }.joined(separator: ", ") }
        if let limit = query.limit { text += " LIMIT \(limit + (extraRow ? 1 : 0))" }
        if case .offset(let offset) = query.cursor { text += " OFFSET \(offset)" }
        self.text = text
        self.values = values
    }
}
