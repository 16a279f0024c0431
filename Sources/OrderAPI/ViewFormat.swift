package import OrderCore
package import SQLite

/// The output formats of `/views/{name}` and `ordersync query`: a JSON array of objects, RFC 4180 CSV
/// with a header row, or NDJSON (one object per line).
package enum ViewFormat: String, Sendable, CaseIterable {
    case json, csv, ndjson

    package var contentType: String {
        switch self {
        case .json: "application/json"
        case .csv: "text/csv; charset=utf-8; header=present"
        case .ndjson: "application/x-ndjson"
        }
    }

    /// What goes before the first row.
    package func begin(columns: [String], into writer: inout JSONWriter) {
        switch self {
        case .json: writer.raw("[")
        case .csv:
            for (index, column) in columns.enumerated() {
                if index > 0 { writer.raw(",") }
                ViewFormat.csvField(column, into: &writer)
            }
            writer.raw("\r\n")
        case .ndjson: break
        }
    }

    /// One row (the statement's current one); `index` counts rows from 0.
    package func row(_ statement: Statement, columns: [String], index: Int, into writer: inout JSONWriter) {
        switch self {
        case .json, .ndjson:
            if self == .json { writer.raw(index == 0 ? "\n" : ",\n") }
            writer.raw("{")
            for (position, column) in columns.enumerated() {
                if position > 0 { writer.raw(",") }
                writer.string(column)
                writer.raw(":")
                ViewFormat.jsonValue(statement, Int32(position), into: &writer)
            }
            writer.raw(self == .json ? "}" : "}\n")
        case .csv:
            for position in columns.indices {
                if position > 0 { writer.raw(",") }
                let column = Int32(position)
                switch statement.columnType(column) {
                case .null: break
                case .integer: writer.integer(statement.int64(column))
                case .float: writer.raw(ViewFormat.number(statement.double(column)) ?? "")
                case .text, .blob: ViewFormat.csvField(statement.string(column) ?? "", into: &writer)
                }
            }
            writer.raw("\r\n")
        }
    }

    /// What goes after the last row.
    package func end(rows: Int, into writer: inout JSONWriter) {
        if self == .json { writer.raw(rows > 0 ? "\n]\n" : "]\n") }
    }

    static func jsonValue(_ statement: Statement, _ column: Int32, into writer: inout JSONWriter) {
        switch statement.columnType(column) {
        case .null: writer.raw("null")
        case .integer: writer.integer(statement.int64(column))
        case .float: writer.raw(number(statement.double(column)) ?? "null")
        case .text, .blob:
            statement.withText(column) { text in
                if let text { writer.string(text) } else { writer.raw("null") }
            }
        }
    }

    /// Shortest text that reads back as the same double; nil for NaN and infinities (not JSON).
    package static func number(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// RFC 4180 §2: quote a field holding a comma, quote, CR or LF; double the quotes inside.
    static func csvField(_ text: String, into writer: inout JSONWriter) {
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }) else {
            writer.raw(text)
            return
        }
        writer.raw("\"")
        writer.raw(text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\""))
        writer.raw("\"")
    }
}
