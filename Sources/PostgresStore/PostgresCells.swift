import PostgreSQL
import Storage

/// The cells of one row of a PostgreSQL result, as the boundary's `RowCells` (docs/storage.md):
/// integers (int2/4/8, oid) and booleans (as 0/1, as SQLite gives them) are integers; float4/8 and
/// numeric are reals; everything else is text, read in place.
struct PostgresCells: RowCells {
    let result: PGResult
    let row: Int
    let kinds: [CellKind]

    static func kinds(of result: PGResult) -> [CellKind] {
        (0..<result.columnCount).map { column in
            switch result.columnType(column) {
            case 20, 21, 23, 26, 16: .integer  // int8, int2, int4, oid, bool
            case 700, 701, 1700: .real  // float4, float8, numeric
            default: .text
            }
        }
    }

    func kind(_ cell: Int) -> CellKind {
        result.isNull(row, cell) ? .null : kinds[cell]
    }

    func int64(_ cell: Int) -> Int64 {
        withText(cell) { text -> Int64 in
            guard let text, let first = text.first else { return 0 }
            if first == UInt8(ascii: "t") { return 1 }
            if first == UInt8(ascii: "f") { return 0 }
            return Int64(String(decoding: text, as: UTF8.self)) ?? 0
        }
    }

    func double(_ cell: Int) -> Double {
        withText(cell) { text in text.flatMap { Double(String(decoding: $0, as: UTF8.self)) } ?? 0 }
    }

    func withText<R>(_ cell: Int, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        result.withBytes(row, cell) { bytes in
            guard let bytes else { return body(nil) }
            return body(UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count))
        }
    }
}

/// A `GET /` row of PostgresStore.latestSQL: the fields in `LatestField`'s order, then versions.
struct PostgresLatestRow: LatestOrderRow {
    let cells: PostgresCells

    func withText<R>(_ field: LatestField, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        let cell: Int =
            switch field {
            case .orderID: 0
            case .orderDate: 1
            case .status: 2
            case .details: 3
            case .updatedAt: 4
            case .ingestedAt: 5
            }
        return cells.withText(cell, body)
    }

    var versions: Int64 { cells.int64(6) }
}
