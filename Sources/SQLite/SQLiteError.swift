internal import CSQLite

/// A failed SQLite call: primary and extended result code plus SQLite's message.
/// It may carry the SQL text, but never bound values (they can hold customer data).
package struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (`sqlite3_extended_errcode`).
    package let extendedCode: Int32
    /// SQLite's own message (`sqlite3_errmsg`).
    package let message: String
    /// The statement that failed, when there is one.
    package let sql: String?

    /// The primary result code (the low byte of the extended code).
    package var code: Int32 { extendedCode & 0xFF }

    package init(code: Int32, message: String, sql: String? = nil) {
        self.extendedCode = code
        self.message = message
        self.sql = sql
    }

    package var description: String {
        "SQLite error \(extendedCode): \(message)"
    }

    /// The disk is full or the file may not grow (`SQLITE_FULL`, or an I/O error while writing).
    package var isDiskFull: Bool { code == SQLITE_FULL || (code == SQLITE_IOERR && isWriteIOError) }

    /// The database is locked by another connection beyond the busy timeout.
    package var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }

    private var isWriteIOError: Bool {
        // SQLITE_IOERR_WRITE (778), SQLITE_IOERR_FSYNC (1034), SQLITE_IOERR_TRUNCATE (1546)
        [778, 1034, 1546].contains(extendedCode)
    }
}
