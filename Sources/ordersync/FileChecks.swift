#if canImport(Glibc)
    import Glibc
#endif

enum FileChecks {
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}
