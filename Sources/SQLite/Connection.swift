internal import CSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// One SQLite connection. Not thread-safe by design: its owner confines it to one thread or serial queue
/// (we open with `SQLITE_OPEN_NOMUTEX`).
package final class Connection {
    /// How a connection opens the file.
    package enum Mode: Sendable {
        /// Read and write, creating the file when missing.
        case readWrite
        /// Read only: queries can never change the database.
        case readOnly
    }

    let handle: OpaquePointer
    /// The database file's path.
    package let path: String
    private var cache: [String: Statement] = [:]
    /// Kept alive while SQLite's progress handler points at it.
    private var deadlineBox: DeadlineBox?

    /// Process-wide settings, made once before the first connection opens (SQLite initialises then).
    private static let configured: Bool = {
        _ = ordersync_sqlite_disable_memstatus()
        return true
    }()

    package init(path: String, mode: Mode, busyTimeoutMilliseconds: Int32 = 5_000) throws(SQLiteError) {
        _ = Connection.configured
        var db: OpaquePointer?
        let access = mode == .readWrite ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY
        let flags = access | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        let threadErrno = errno
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open database"
            let systemErrno = Connection.systemErrno(db, threadErrno: threadErrno)
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: message, systemErrno: systemErrno)
        }
        // SQLite silently falls back to read-only when the file may not be written (file mode, a
        // read-only mount): a writer must not start that way, or every later write would fail instead.
        if mode == .readWrite && sqlite3_db_readonly(db, "main") == 1 {
            sqlite3_close_v2(db)
            let reason = Glibc.access(path, W_OK) == 0 ? 0 : errno
            throw SQLiteError(code: SQLITE_READONLY, message: "the database file is read-only", systemErrno: reason)
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows (DDL, pragmas, transaction control).
    package func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        let threadErrno = errno
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(
                code: sqlite3_extended_errcode(handle), message: text, sql: sql,
                systemErrno: Connection.systemErrno(handle, threadErrno: threadErrno))
        }
    }

    /// Prepares a statement once and keeps it for reuse (`SQLITE_PREPARE_PERSISTENT`).
    /// The caller must `reset()` it (or use `run()`) before the next use.
    package func cached(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = cache[sql] { return statement }
        let statement = try prepare(sql, persistent: true)
        cache[sql] = statement
        return statement
    }

    /// Prepares a single statement; trailing text other than white space and comments is an error.
    package func prepare(_ sql: String, persistent: Bool = false) throws(SQLiteError) -> Statement {
        var statement: OpaquePointer?
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let rc = sqlite3_prepare_v3(handle, sql, -1, flags, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw error(rc == SQLITE_OK ? SQLITE_MISUSE : rc, sql: sql)
        }
        return Statement(handle: statement, sql: sql)
    }

    /// A single text value from a one-row query, e.g. a pragma's answer.
    package func scalarString(_ sql: String) throws(SQLiteError) -> String? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.string(0) : nil
    }

    /// A single integer from a one-row query.
    package func scalarInt(_ sql: String) throws(SQLiteError) -> Int64? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.int64(0) : nil
    }

    /// Rows the last INSERT, UPDATE or DELETE changed (https://sqlite.org/c3ref/changes.html).
    package var changes: Int { Int(sqlite3_changes(handle)) }

    /// True while a transaction is open; rollback only then (sqlite3_get_autocommit).
    package var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// The rowid of the last row this connection inserted (https://sqlite.org/c3ref/last_insert_rowid.html).
    package var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rolls back the open transaction, if any; never throws (used on error paths).
    package func rollbackQuietly() {
        if inTransaction { _ = sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
    }

    /// Stops any statement of this connection that is still running at `deadline` (monotonic seconds):
    /// it fails with SQLITE_INTERRUPT. A runaway query ends with a clear error instead of running on.
    package func setDeadline(_ deadline: Double?) {
        guard let deadline else {
            sqlite3_progress_handler(handle, 0, nil, nil)
            deadlineBox = nil
            return
        }
        let box = DeadlineBox(deadline)
        deadlineBox = box
        sqlite3_progress_handler(
            handle, 10_000,
            { context in
                guard let context else { return 0 }
                let box = Unmanaged<DeadlineBox>.fromOpaque(context).takeUnretainedValue()
                return DeadlineBox.now() > box.deadline ? 1 : 0
            }, Unmanaged.passUnretained(box).toOpaque())
    }

    /// The error of the call that just returned `rc`. Call it first thing after that call: it reads the
    /// thread's errno.
    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        Connection.error(rc, sql: sql, database: handle)
    }

    /// The same, for the database a statement belongs to.
    static func error(_ rc: Int32, sql: String?, database: OpaquePointer?) -> SQLiteError {
        let threadErrno = errno
        guard let database else {
            return SQLiteError(
                code: rc, message: String(cString: sqlite3_errstr(rc)), sql: sql, systemErrno: threadErrno)
        }
        let extended = sqlite3_extended_errcode(database)
        return SQLiteError(
            code: extended != 0 ? extended : rc, message: String(cString: sqlite3_errmsg(database)), sql: sql,
            systemErrno: Connection.systemErrno(database, threadErrno: threadErrno))
    }

    /// The errno behind a failed call. SQLite records it (`sqlite3_system_errno`) only on some paths: a
    /// write that fails inside COMMIT leaves it 0 (3.40), while the thread's errno, read right after
    /// the call, still holds the write's EFBIG or ENOSPC. Only I/O and open errors carry one.
    private static func systemErrno(_ db: OpaquePointer?, threadErrno: Int32) -> Int32 {
        guard let db else { return threadErrno }
        let primary = sqlite3_extended_errcode(db) & 0xFF
        guard primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN || primary == SQLITE_FULL else { return 0 }
        let recorded = sqlite3_system_errno(db)
        return recorded != 0 ? recorded : threadErrno
    }

    /// The SQLite library version, e.g. "3.40.1".
    package static var libraryVersion: String { String(cString: sqlite3_libversion()) }
}

/// The deadline a progress handler checks.
final class DeadlineBox {
    let deadline: Double
    init(_ deadline: Double) { self.deadline = deadline }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

extension Connection {
    /// Copies this database into a new file at `path` with SQLite's online backup API
    /// (https://sqlite.org/backup.html), from one read transaction: its snapshot is pinned before the
    /// copy starts and every page is copied in a single step, so writers on other connections (the
    /// server's group commit, a sync worker) can neither change nor restart it. In WAL mode that read
    /// transaction never blocks them (https://sqlite.org/wal.html §2.2). A page-by-page copy, by
    /// contrast, starts over whenever another connection writes between two steps, and under
    /// continuous ingest never ends. The copy is switched to `journal_mode=DELETE`, so it stands alone
    /// without `-wal` or `-shm` files. Waits for a lock at most `timeoutSeconds` (SQLITE_BUSY).
    /// On failure, the caller removes the file (this function never deletes anything).
    package func backup(to path: String, timeoutSeconds: Double = 30) throws(SQLiteError) {
        // Deferred BEGIN takes no lock; the first read takes the snapshot the copy will come from.
        try execute("BEGIN")
        defer { rollbackQuietly() }
        _ = try scalarInt("SELECT count(*) FROM sqlite_schema")
        let target = try Connection(path: path, mode: .readWrite)
        guard let backup = sqlite3_backup_init(target.handle, "main", handle, "main") else {
            throw target.error(sqlite3_errcode(target.handle), sql: nil)
        }
        let deadline = DeadlineBox.now() + timeoutSeconds
        var rc = SQLITE_OK
        while true {
            rc = sqlite3_backup_step(backup, -1)  // -1: all remaining pages, in this one step
            let busy = rc == SQLITE_BUSY || rc == SQLITE_LOCKED
            guard busy && DeadlineBox.now() < deadline else { break }
            usleep(10_000)
        }
        let finish = sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE, finish == SQLITE_OK else {
            throw target.error(rc == SQLITE_DONE ? finish : rc, sql: nil)
        }
        // The copied header says WAL (the source's mode): leave it, and the copy needs sidecar files.
        let mode = try target.scalarString("PRAGMA journal_mode=DELETE")
        guard mode?.lowercased() == "delete" else {
            throw SQLiteError(code: 1, message: "journal_mode=DELETE was refused (answered \(mode ?? "nothing"))")
        }
    }
}
