package import SQLite

/// A query of one view: equality filters on its own columns (`ViewFilter`), a page size and a cursor.
/// The SQL is built only from catalog names (quoted); every client value is bound.
package struct ViewQuery: Sendable {
    /// A typed value, for filters and cursors (SQLite compares integers and text differently).
    package enum Value: Sendable, Equatable {
        case integer(Int64)
        case real(Double)
        case text(String)

        /// A query-string value: canonical integers and decimals become numbers, anything else text.
        package static func parse(_ text: String) -> Value {
            if let integer = Int64(text), String(integer) == text { return .integer(integer) }
            if let real = Double(text), real.isFinite, text.contains("."), !text.hasPrefix("."), !text.hasSuffix(".") {
                return .real(real)
            }
            return .text(text)
        }
    }

    /// Where a page starts.
    package enum Cursor: Sendable, Equatable {
        /// After the row with these key values (views that declare a key).
        case after([Value])
        /// After this many rows (views without a key).
        case offset(Int)
    }

    package let view: ViewCatalog.View
    /// The view actually read, when not `view` itself: its from-scratch twin while the projections'
    /// backfill runs (docs/projections.md). Same columns, same rows.
    package var readFrom: String?
    package var filters: [ViewFilter] = []
    /// Rows to return; nil for all of them.
    package var limit: Int?
    package var cursor: Cursor?

    package init(view: ViewCatalog.View) {
        self.view = view
    }

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

    /// The cursor that continues after the current row of `statement`.
    package func cursorAfter(_ statement: Statement, rowsSoFar: Int) -> Cursor {
        guard !view.key.isEmpty else {
            if case .offset(let offset) = cursor { return .offset(offset + rowsSoFar) }
            return .offset(rowsSoFar)
        }
        let values: [Value] = view.key.map { column in
            let index = Int32(view.columns.firstIndex(of: column) ?? 0)
            switch statement.columnType(index) {
            case .integer: return .integer(statement.int64(index))
            case .float: return .real(statement.double(index))
            default: return .text(statement.string(index) ?? "")
            }
        }
        return .after(values)
    }
}
