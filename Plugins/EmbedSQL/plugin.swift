import Foundation
import PackagePlugin

/// Builds the repository's `sql/` into the target that applies it: every `sql/**/*.sql` file becomes a
/// Swift string literal in a generated `EmbeddedSQL.swift`, so the executables need no `sql/` folder
/// beside them (docs/contract.md §2). The folder is listed at each build, so a new, changed or removed
/// file takes effect at the next `swift build` without editing anything else.
@main
struct EmbedSQL: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let root = context.package.directoryURL
        let files = try EmbedSQL.sqlFiles(root: root)
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedSQL.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) SQL files of sql/ into \(target.name)",
                executable: try context.tool(named: "EmbedSQLTool").url,
                arguments: [output.path, root.path] + files,
                inputFiles: files.map { root.appending(path: $0) },
                outputFiles: [output])
        ]
    }

    /// `sql/…/name.sql` paths relative to the package root, sorted by their UTF-8 bytes.
    static func sqlFiles(root: URL) throws -> [String] {
        let folder = root.appending(path: "sql")
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".sql") else { continue }
            var isDirectory: ObjCBool = false
            let full = folder.appending(path: relative).path
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append("sql/" + relative)
            }
        }
        return files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
