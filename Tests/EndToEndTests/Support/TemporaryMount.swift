import Foundation

/// A file system mounted for one test and unmounted (lazily, so a straggling process cannot block it)
/// when the object goes away. Mounting needs CAP_SYS_ADMIN (root in most containers): callers skip the
/// test with the reason when it is `Unavailable`.
final class TemporaryMount {
    let path: String

    private init(path: String) { self.path = path }

    deinit { _ = try? TemporaryMount.mountTool(["-l", path], program: "umount") }

    /// A tmpfs of `bytes` bytes at the new directory `path`.
    static func tmpfs(at path: String, bytes: Int) throws -> TemporaryMount {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try mount(["-t", "tmpfs", "-o", "size=\(bytes),mode=0755", "tmpfs", path])
        return TemporaryMount(path: path)
    }

    /// `source` (a file or a directory) seen read-only at `target` (created to match): a bind mount,
    /// remounted read-only. Writes through it fail with EROFS, for root too.
    static func readOnlyView(of source: String, at target: String) throws -> TemporaryMount {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory)
        if isDirectory.boolValue {
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        } else {
            _ = FileManager.default.createFile(atPath: target, contents: nil)
        }
        try mount(["--bind", source, target])
        let view = TemporaryMount(path: target)
        try mount(["-o", "remount,bind,ro", target])
        return view
    }

    private static func mount(_ arguments: [String]) throws {
        let result = try mountTool(arguments, program: "mount")
        guard result.status == 0 else {
            throw Unavailable(description: "mount \(arguments.joined(separator: " ")) failed: \(result.output)")
        }
    }

    private static func mountTool(_ arguments: [String], program: String) throws -> (status: Int32, output: String) {
        guard
            let tool = ["/usr/bin/", "/bin/"].map({ $0 + program }).first(where: FileManager.default.isExecutableFile)
        else { throw Unavailable(description: "no \(program) program") }
        return try runProgram(tool, arguments)
    }
}
