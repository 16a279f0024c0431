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

    /// The cursor that continues after the current row of `row` (`rowsSoFar` rows read in this page).
    package func cursorAfter(_ row: some RowCells, rowsSoFar: Int) -> Cursor {
        guard !view.key.isEmpty else {
            if case .offset(let offset) = cursor { return .offset(offset + rowsSoFar) }
            return .offset(rowsSoFar)
        }
        let values: [Value] = view.key.map { column in
            let cell = view.columns.firstIndex(of: column) ?? 0
            switch row.kind(cell) {
            case .integer: return .integer(row.int64(cell))
            case .real: return .real(row.double(cell))
            case .null, .text: return .text(row.string(cell) ?? "")
            }
        }
        return .after(values)
    }
}
