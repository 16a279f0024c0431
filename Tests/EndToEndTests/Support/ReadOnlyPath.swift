import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file or directory this process cannot write through, made the way that works for the user the
/// tests run as: `chmod` for an ordinary user; for root (whom file modes do not stop) a read-only bind
/// mount. Restored when the object goes away.
final class ReadOnlyPath {
    /// Where to look at it: writes through this path fail.
    let path: String
    /// What a write through `path` fails with, as strerror says it.
    let expectedReason: String
    private let mount: TemporaryMount?
    private let source: String

    /// Makes `source` read-only, seen at `path` (`source` itself when chmod does it).
    init(_ source: String) throws {
        self.source = source
        if geteuid() != 0 {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory)
            guard chmod(source, isDirectory.boolValue ? 0o555 : 0o444) == 0 else {
                throw Unavailable(description: "chmod \(source) failed: errno \(errno)")
            }
            path = source
            expectedReason = "Permission denied"
            mount = nil
        } else {
            let view = try TemporaryMount.readOnlyView(of: source, at: source + "-readonly")
            path = view.path
            expectedReason = "Read-only file system"
            mount = view
        }
    }

    deinit {
        if mount == nil {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory)
            _ = chmod(source, isDirectory.boolValue ? 0o755 : 0o644)
        }
    }
}
