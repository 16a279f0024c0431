package import OrderCore
package import Storage

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

    /// One row (the cursor's current one); `index` counts rows from 0.
    package func row(_ cells: some RowCells, columns: [String], index: Int, into writer: inout JSONWriter) {
        switch self {
        case .json, .ndjson:
            if self == .json { writer.raw(index == 0 ? "\n" : ",\n") }
            writer.raw("{")
            for (position, column) in columns.enumerated() {
                if position > 0 { writer.raw(",") }
                writer.string(column)
                writer.raw(":")
                ViewFormat.jsonValue(cells, position, into: &writer)
            }
            writer.raw(self == .json ? "}" : "}\n")
        case .csv:
            for position in columns.indices {
                if position > 0 { writer.raw(",") }
                switch cells.kind(position) {
                case .null: break
                case .integer: writer.integer(cells.int64(position))
                case .real: writer.raw(ViewFormat.number(cells.double(position)) ?? "")
                case .text: ViewFormat.csvField(cells.string(position) ?? "", into: &writer)
                }
            }
            writer.raw("\r\n")
        }
    }

    /// What goes after the last row.
    package func end(rows: Int, into writer: inout JSONWriter) {
        if self == .json { writer.raw(rows > 0 ? "\n]\n" : "]\n") }
    }

    static func jsonValue(_ cells: some RowCells, _ cell: Int, into writer: inout JSONWriter) {
        switch cells.kind(cell) {
        case .null: writer.raw("null")
        case .integer: writer.integer(cells.int64(cell))
        case .real: writer.raw(number(cells.double(cell)) ?? "null")
        case .text:
            cells.withText(cell) { text in
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
