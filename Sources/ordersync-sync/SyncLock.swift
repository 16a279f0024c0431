#if canImport(Glibc)
    import Glibc
#endif

/// One sync at a time, across processes: an exclusive `flock` on a file beside the database. The
/// kernel drops the lock when its holder exits, even by `kill -9`, so a crashed run never blocks the
/// next one. The holder writes its run id into the file so that a refused trigger can name it.
final class SyncLock {
    private let fd: Int32

    /// Why the lock was not taken.
    enum Refusal: Error {
        /// Another run holds it: the text it wrote (run id and start time), possibly empty.
        case held(String)
        /// The lock file cannot be opened.
        case unavailable(String)
    }

    init(path: String) throws(Refusal) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unavailable("cannot open \(path): errno \(errno)") }
        var rc: Int32
        repeat { rc = flock(fd, LOCK_EX | LOCK_NB) } while rc != 0 && errno == EINTR
        guard rc == 0 else {
            let holder = SyncLock.contents(fd)
            close(fd)
            throw .held(holder)
        }
        self.fd = fd
    }

    /// Records who holds the lock.
    func describe(_ text: String) {
        _ = ftruncate(fd, 0)
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    private static func contents(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
    }

    deinit {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }
}
