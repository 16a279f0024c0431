import Glibc
import OrderStore
import Storage
import SQLite
import Testing

/// Which SQLite failures count as "no space" (507) rather than a plain error (500).
struct StoreErrorTests {
    @Test func fullDisksAndFileSizeLimitsAreStorageFull() {
        // SQLITE_FULL (ENOSPC); SQLITE_IOERR_WRITE with EFBIG (RLIMIT_FSIZE) or EDQUOT; an unknown errno.
        for (code, errno) in [(13, ENOSPC), (778, EFBIG), (778, EDQUOT), (778, 0), (1034, ENOSPC)] {
            let error = StoreError(SQLiteError(code: Int32(code), message: "x", systemErrno: errno))
            guard case .storageFull = error else {
                Issue.record("code \(code) errno \(errno) is not storage full")
                continue
            }
        }
    }

    @Test func aFailingDiskIsNotStorageFull() {
        // SQLITE_IOERR_WRITE with EIO, and a read error: plain errors (500), not "retry when there is space".
        for (code, errno) in [(778, EIO), (266, 0)] {
            let error = StoreError(SQLiteError(code: Int32(code), message: "x", systemErrno: errno))
            guard case .failed = error else {
                Issue.record("code \(code) errno \(errno) is \(error)")
                continue
            }
        }
    }

    @Test func anOpenErrorNamesTheSystemsReason() {
        let error = SQLiteError(code: 14, message: "unable to open database file", systemErrno: EROFS)
        #expect(error.explanation == "unable to open database file (Read-only file system)")
        #expect(SQLiteError(code: 1, message: "no such table: x").explanation == "no such table: x")
    }
}
