/// What a cell of a result row holds. Text is read in place (`withText`), so a row can be written as
/// JSON or CSV without making a String of every value.
package enum CellKind: Sendable {
    case null, integer, real, text
}

/// The current row of a view's result. Cells are numbered as the view's columns are
/// (`ViewCatalog.View.columns`); how the engine numbers its result columns stays inside the engine.
package protocol RowCells {
    func kind(_ cell: Int) -> CellKind
    func int64(_ cell: Int) -> Int64
    func double(_ cell: Int) -> Double
    /// The cell's UTF-8 text, valid only inside `body`; nil for NULL.
    func withText<R>(_ cell: Int, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R
}

extension RowCells {
    /// The cell as a String (nil for NULL).
    package func string(_ cell: Int) -> String? {
        withText(cell) { text in text.map { String(decoding: $0, as: UTF8.self) } }
    }
}

/// The rows of one view query, read while the response streams: the engine's connection stays lent
/// until `finish` (or the cursor's end of life). Used by one thread at a time.
package protocol ViewRows: AnyObject, Sendable, RowCells {
    /// Moves to the next row; false after the last.
    func step() throws(StoreError) -> Bool
    /// The monotonic time (Threads.monotonicSeconds) after which the engine stops the query with
    /// `.timedOut`; nil for none.
    func setDeadline(_ deadline: Double?)
    /// Ends the read and gives the connection back; harmless twice.
    func finish()
}

/// The fields of a `GET /` row (docs/contract.md §3).
package enum LatestField: Sendable, CaseIterable {
    case orderID, orderDate, status, details, updatedAt, ingestedAt
}

/// One row of `GET /` while it is read: its text read in place, its version count.
package protocol LatestOrderRow {
    /// The field's UTF-8 text, valid only inside `body`; nil for NULL.
    func withText<R>(_ field: LatestField, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R
    var versions: Int64 { get }
}

extension LatestOrderRow {
    package func string(_ field: LatestField) -> String? {
        withText(field) { text in text.map { String(decoding: $0, as: UTF8.self) } }
    }
}
