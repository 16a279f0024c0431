import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Two ways for the server to run out of space while it runs, each undone without a restart.
enum SpaceShortage: String, CaseIterable, Sendable {
    /// A file-size limit (RLIMIT_FSIZE) put on the running server with prlimit(1): just past the end of
    /// its WAL, so the next commit's frames are cut off mid-page. Writes fail with EFBIG (SQLite:
    /// SQLITE_IOERR_WRITE). Needs no privilege.
    case fileSizeLimit
    /// A small tmpfs holding the database, filled to the last block by another file. Writes fail with
    /// ENOSPC (SQLite: SQLITE_FULL). Needs the right to mount.
    case fullFileSystem

    /// Size of the tmpfs for `fullFileSystem`.
    static let fileSystemBytes = 4 * 1024 * 1024

    /// Takes the space away from the server `pid` using the database `dbPath`; returns how to give it back.
    func begin(pid: Int32, dbPath: String) throws -> () throws -> Void {
        switch self {
        case .fileSizeLimit:
            let original = try Self.softFileSizeLimit(pid: pid)
            let walBytes = (try FileManager.default.attributesOfItem(atPath: dbPath + "-wal")[.size] as? Int) ?? 0
            try Self.prlimit(pid: pid, soft: String(walBytes + 1_000))
            return { try Self.prlimit(pid: pid, soft: original) }
        case .fullFileSystem:
            let filler = (dbPath as NSString).deletingLastPathComponent + "/filler"
            try Self.fill(filler)
            return { try FileManager.default.removeItem(atPath: filler) }
        }
    }

    /// Writes `path` until the file system says it is full.
    private static func fill(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw Unavailable(description: "cannot create \(path)") }
        defer { close(fd) }
        let block = [UInt8](repeating: 0x78, count: 64 * 1024)
        var size = block.count
        // Large blocks first, then ever smaller ones, so not even a page is left.
        while size > 0 {
            let written = block.withUnsafeBytes { write(fd, $0.baseAddress, size) }
            if written < 0 && errno == ENOSPC {
                size /= 2
            } else if written < 0 {
                throw Unavailable(description: "writing \(path) failed: errno \(errno)")
            }
        }
    }

    /// The soft RLIMIT_FSIZE of `pid`, as prlimit(1) writes it ("unlimited" or bytes), from /proc/PID/limits.
    private static func softFileSizeLimit(pid: Int32) throws -> String {
        let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
        guard let line = limits.split(separator: "\n").first(where: { $0.hasPrefix("Max file size") }),
            let soft = line.dropFirst("Max file size".count).split(separator: " ").first
        else { throw Unavailable(description: "no file size limit in /proc/\(pid)/limits") }
        return String(soft)
    }

    /// Sets the soft file-size limit of another process (the hard limit stays as it is).
    private static func prlimit(pid: Int32, soft: String) throws {
        guard let tool = ["/usr/bin/prlimit", "/bin/prlimit"].first(where: FileManager.default.isExecutableFile) else {
            throw Unavailable(description: "no prlimit program (util-linux)")
        }
        let result = try runProgram(tool, ["--pid", String(pid), "--fsize=\(soft):"])
        guard result.status == 0 else {
            throw Unavailable(description: "prlimit --fsize=\(soft): failed: \(result.output)")
        }
    }
}
