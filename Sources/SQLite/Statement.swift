internal import CSQLite

/// `SQLITE_TRANSIENT` is a C macro (a cast of -1) and does not import into Swift.
nonisolated(unsafe) let sqliteTransient = unsafeBitCast(Int(-1), to: sqlite3_destructor_type.self)

/// A prepared statement. Owned by its `Connection` and used on that connection's thread only.
package final class Statement {
    let handle: OpaquePointer
    /// The SQL text, kept for error messages.
    package let sql: String

    /// Holds no reference to its `Connection`: errors read the database through the statement itself
    /// (`sqlite3_db_handle`), which `sqlite3_close_v2` keeps alive until the last statement is
    /// finalized (Connection.swift `deinit`). A statement that outlives its connection then fails
    /// with SQLite's error instead of trapping on a dead reference.
    init(handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Clears bindings and rewinds, ready for the next use.
    package func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    package func bind(_ index: Int32, _ value: String?) throws(SQLiteError) {
        let rc: Int32
        if let value {
            rc =
                value.utf8.withContiguousStorageIfAvailable { bytes in
                    sqlite3_bind_text(handle, index, bytes.baseAddress, Int32(bytes.count), sqliteTransient)
                } ?? sqlite3_bind_text(handle, index, value, -1, sqliteTransient)
        } else {
            rc = sqlite3_bind_null(handle, index)
        }
        try check(rc)
    }

    package func bind(_ index: Int32, _ value: Int64) throws(SQLiteError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    package func bind(_ index: Int32, _ value: Double) throws(SQLiteError) {
        try check(sqlite3_bind_double(handle, index, value))
    }

    /// Binds raw UTF-8 bytes as TEXT without building a String.
    package func bind(_ index: Int32, utf8 bytes: UnsafeBufferPointer<UInt8>) throws(SQLiteError) {
        // A nil pointer would bind NULL; an empty text still needs a valid address.
        let empty: [CChar] = [0]
        let rc = empty.withUnsafeBufferPointer { emptyPointer in
            let pointer = bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            return sqlite3_bind_text(
                handle, index, pointer ?? emptyPointer.baseAddress, Int32(bytes.count), sqliteTransient)
        }
        try check(rc)
    }

    /// Binds bytes as a BLOB.
    package func bind(_ index: Int32, blob bytes: [UInt8]) throws(SQLiteError) {
        let rc = bytes.withUnsafeBytes { raw in
            // A zero-length blob still needs an address (a nil pointer would bind NULL).
            sqlite3_bind_blob(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), sqliteTransient)
        }
        try check(rc)
    }

    /// Binds each value in order, from parameter 1.
    package func bind(_ values: [String?]) throws(SQLiteError) {
        for (offset, value) in values.enumerated() {
            try bind(Int32(offset + 1), value)
        }
    }

    /// Advances one row: true while a row is available, false when done.
    package func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw Connection.error(rc, sql: sql, database: sqlite3_db_handle(handle))
        }
    }

    /// Runs a statement that returns no rows.
    package func run() throws(SQLiteError) {
        defer { reset() }
        while try step() {}
    }

    package var columnCount: Int32 { sqlite3_column_count(handle) }

    package func columnName(_ index: Int32) -> String {
        sqlite3_column_name(handle, index).map { String(cString: $0) } ?? ""
    }

    package func isNull(_ index: Int32) -> Bool {
        sqlite3_column_type(handle, index) == SQLITE_NULL
    }

    package func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    package func string(_ index: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column's UTF-8 bytes without copying; valid only until the next step or reset.
    package func withText<R>(_ index: Int32, _ body: (UnsafeBufferPointer<UInt8>?) throws -> R) rethrows -> R {
        guard let text = sqlite3_column_text(handle, index) else { return try body(nil) }
        let count = Int(sqlite3_column_bytes(handle, index))
        return try body(UnsafeBufferPointer(start: text, count: count))
    }

    /// The SQLite storage class of a column in the current row.
    package func columnType(_ index: Int32) -> ColumnType {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: .integer
        case SQLITE_FLOAT: .float
        case SQLITE_TEXT: .text
        case SQLITE_BLOB: .blob
        default: .null
        }
    }

    package func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    private func check(_ rc: Int32) throws(SQLiteError) {
        if rc != SQLITE_OK { throw Connection.error(rc, sql: sql, database: sqlite3_db_handle(handle)) }
    }
}

/// SQLite's storage classes (https://sqlite.org/datatype3.html).
package enum ColumnType: Sendable {
    case null, integer, float, text, blob
}
