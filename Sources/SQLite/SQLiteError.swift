internal import CSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// A failed SQLite call: primary and extended result code, SQLite's message, and the operating
/// system's errno behind an I/O or open error.
/// It may carry the SQL text, but never bound values (they can hold customer data).
package struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (`sqlite3_extended_errcode`).
    package let extendedCode: Int32
    /// SQLite's own message (`sqlite3_errmsg`).
    package let message: String
    /// The statement that failed, when there is one.
    package let sql: String?
    /// The errno of the system call that failed (`sqlite3_system_errno`), for I/O and open errors; 0 otherwise.
    package let systemErrno: Int32

    /// The primary result code (the low byte of the extended code).
    package var code: Int32 { extendedCode & 0xFF }

    package init(code: Int32, message: String, sql: String? = nil, systemErrno: Int32 = 0) {
        self.extendedCode = code
        self.message = message
        self.sql = sql
        self.systemErrno = systemErrno
    }

    package var description: String {
        "SQLite error \(extendedCode): \(message)"
    }

    /// SQLite's message, followed by the system's reason when there is one ("unable to open database
    /// file (Permission denied)"): on its own, CANTOPEN does not say whether the folder is read-only,
    /// missing or not a folder.
    package var explanation: String {
        guard systemErrno != 0, code == SQLITE_CANTOPEN || code == SQLITE_IOERR || code == SQLITE_READONLY else {
            return message
        }
        return "\(message) (\(String(cString: strerror(systemErrno))))"
    }

    /// The disk is full or the file may not grow: `SQLITE_FULL` (ENOSPC, or a short write), or a write
    /// I/O error that is about space. SQLite's unix VFS reports only ENOSPC as SQLITE_FULL; a write
    /// past the file-size limit (RLIMIT_FSIZE: EFBIG) or over a quota (EDQUOT) is SQLITE_IOERR_WRITE.
    /// A write error whose errno is known to be something else (EIO: a failing disk) is not "full".
    package var isDiskFull: Bool {
        code == SQLITE_FULL
            || (code == SQLITE_IOERR && isWriteIOError
                && (systemErrno == 0 || Self.noSpaceErrnos.contains(systemErrno)))
    }

    private static let noSpaceErrnos: Set<Int32> = [ENOSPC, EFBIG, EDQUOT]

    /// The database is locked by another connection beyond the busy timeout.
    package var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }

    private var isWriteIOError: Bool {
        // SQLITE_IOERR_WRITE (778), SQLITE_IOERR_FSYNC (1034), SQLITE_IOERR_TRUNCATE (1546)
        [778, 1034, 1546].contains(extendedCode)
    }
}
