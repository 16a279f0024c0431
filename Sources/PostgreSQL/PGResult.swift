internal import CLibPQ

#if canImport(Glibc)
    import Glibc
#endif

/// The rows (in text format) or command status of one statement. Rows and columns count from 0.
///
/// `@unchecked Sendable`: a PGresult is never changed after libpq hands it over, and libpq documents
/// that it "can be passed around freely between threads"
/// (https://www.postgresql.org/docs/15/libpq-threading.html); this class only reads it.
package final class PGResult: @unchecked Sendable {
    let handle: OpaquePointer

    /// Takes ownership of `handle` (PQclear on deinit).
    init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit { PQclear(handle) }

    package var rowCount: Int { Int(PQntuples(handle)) }
    package var columnCount: Int { Int(PQnfields(handle)) }

    package func columnName(_ column: Int) -> String {
        checkColumn(column)
        return PQfname(handle, Int32(column)).map { String(cString: $0) } ?? ""
    }

    /// The column numbered by `name` (PQfnumber folds unquoted names to lower case).
    package func columnIndex(_ name: String) -> Int? {
        let index = PQfnumber(handle, name)
        return index >= 0 ? Int(index) : nil
    }

    /// The column's type OID (e.g. 25 text, 20 int8, 3802 jsonb).
    package func columnType(_ column: Int) -> UInt32 {
        checkColumn(column)
        return PQftype(handle, Int32(column))
    }

    /// Rows an INSERT, UPDATE, DELETE, COPY, SELECT… touched (PQcmdTuples); nil for other commands.
    package var affectedRows: Int64? {
        Int64(LibPQ.text(PQcmdTuples(handle)))
    }

    /// The command tag, e.g. "INSERT 0 1".
    package var commandStatus: String { LibPQ.text(PQcmdStatus(handle)) }

    package func isNull(_ row: Int, _ column: Int) -> Bool {
        checkCell(row, column)
        return PQgetisnull(handle, Int32(row), Int32(column)) == 1
    }

    package func string(_ row: Int, _ column: Int) -> String? {
        withBytes(row, column) { bytes in bytes.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// The cell's bytes as the server sent them, without copying: the text form (UTF-8: the connection
    /// sets client_encoding), nil for NULL. Valid only inside `body`.
    package func withBytes<R>(_ row: Int, _ column: Int, _ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
        checkCell(row, column)
        guard PQgetisnull(handle, Int32(row), Int32(column)) == 0,
            let value = PQgetvalue(handle, Int32(row), Int32(column))
        else { return try body(nil) }
        let length = Int(PQgetlength(handle, Int32(row), Int32(column)))
        return try body(UnsafeRawBufferPointer(start: value, count: length))
    }

    /// An integer column (int2, int4, int8, or text holding one); nil for NULL.
    package func int64(_ row: Int, _ column: Int) throws(PostgresError) -> Int64? {
        guard let text = string(row, column) else { return nil }
        guard let value = Int64(text) else { throw notA("an integer", column) }
        return value
    }

    /// A float4, float8 or numeric column as a Double (strtod reads "Infinity" and "NaN"); nil for NULL.
    package func double(_ row: Int, _ column: Int) throws(PostgresError) -> Double? {
        guard !isNull(row, column), let value = PQgetvalue(handle, Int32(row), Int32(column)) else { return nil }
        var end: UnsafeMutablePointer<CChar>?
        let number = strtod(value, &end)
        guard let end, end != value, end.pointee == 0 else { throw notA("a number", column) }
        return number
    }

    /// A boolean column (text form "t" or "f"); nil for NULL.
    package func bool(_ row: Int, _ column: Int) throws(PostgresError) -> Bool? {
        switch string(row, column) {
        case nil: return nil
        case "t": return true
        case "f": return false
        default: throw notA("a boolean", column)
        }
    }

    /// A bytea column's bytes, decoded from the text form (`\x…` hex) by PQunescapeBytea; nil for NULL.
    package func bytea(_ row: Int, _ column: Int) throws(PostgresError) -> [UInt8]? {
        guard !isNull(row, column), let value = PQgetvalue(handle, Int32(row), Int32(column)) else { return nil }
        var length = 0
        let decoded = value.withMemoryRebound(to: UInt8.self, capacity: 1) { PQunescapeBytea($0, &length) }
        guard let decoded else { throw notA("bytea", column) }
        defer { PQfreemem(decoded) }
        return Array(UnsafeBufferPointer(start: decoded, count: length))
    }

    private func notA(_ what: String, _ column: Int) -> PostgresError {
        PostgresError(kind: .other, message: "column \"\(columnName(column))\" is not \(what)")
    }

    // Out-of-range indexes are a bug in the caller; libpq would print a notice and return NULL.
    private func checkColumn(_ column: Int) {
        precondition(column >= 0 && column < columnCount, "column \(column) out of range 0..<\(columnCount)")
    }

    private func checkCell(_ row: Int, _ column: Int) {
        precondition(row >= 0 && row < rowCount, "row \(row) out of range 0..<\(rowCount)")
        checkColumn(column)
    }
}
