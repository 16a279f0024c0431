#if canImport(Glibc)
    import Glibc
#endif

/// The few file operations the store needs, on POSIX calls (Foundation's FileManager would link all
/// of Foundation into the server for four functions).
enum FileSystem {
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// The size of a file in bytes (`stat`), nil when it does not exist.
    static func size(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// Removes a file; a missing one is fine.
    static func remove(_ path: String) { unlink(path) }

    /// Creates `path` and its missing parents (mode 0755); the error text on failure.
    static func createDirectories(_ path: String) -> String? {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if !isDirectory(prefix) && mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                return describe(errno: errno)
            }
            prefix += "/"
        }
        return nil
    }

    /// Why this process may not read and write `path` ("Read-only file system", "Permission denied"),
    /// or nil when it may. `access` answers for the real user and sees read-only mounts even for root.
    static func readWriteProblem(_ path: String) -> String? {
        access(path, R_OK | W_OK) == 0 ? nil : describe(errno: errno)
    }

    static func describe(errno code: Int32) -> String { String(cString: strerror(code)) }

    /// Names in a directory (without . and ..); nil when it cannot be read.
    static func list(_ path: String) -> [String]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// A whole file (bounded: SQL files are small; a huge one is refused as unreadable).
    static func read(_ path: String, limit: Int = 16 * 1024 * 1024) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > limit { return nil }
        }
        return ferror(file) == 0 ? bytes : nil
    }

    /// `a/b` + `c` → `a/b/c`.
    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The folder part of a path (`data/x.db` → `data`; `x.db` → ``).
    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component (`a/sql/` → `sql`).
    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
