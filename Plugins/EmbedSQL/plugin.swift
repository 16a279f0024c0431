import Foundation
import PackagePlugin

/// Builds the repository's `sql/` into the target that applies it: every `sql/**/*.sql` file becomes a
/// Swift string literal in a generated `EmbeddedSQL.swift`, so the executables need no `sql/` folder
/// beside them (docs/contract.md §2). A new, changed or removed file takes effect at the next
/// `swift build` without editing anything else.
@main
struct EmbedSQL: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let root = context.package.directoryURL
        let (files, folders) = EmbedSQL.contents(of: root.appending(path: "sql"))
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedSQL.swift")
        // SwiftPM evaluates this plugin only when it plans the build anew, which it does when a target's
        // folder changes shape: Plugins/EmbedSQLTool/sql links to sql/ for that reason (excluded from
        // the tool's sources in Package.swift), so a file added or removed there re-plans the build, and
        // the list of inputs below never names a file that is gone. Each file's own edits rerun the tool.
        return [
            .buildCommand(
                displayName: "Embedding sql/ into \(target.name)",
                executable: try context.tool(named: "EmbedSQLTool").url,
                arguments: [output.path, root.path],
                inputFiles: folders + files,
                outputFiles: [output])
        ]
    }

    /// The `.sql` files under `folder` and every folder there (itself included).
    static func contents(of folder: URL) -> (files: [URL], folders: [URL]) {
        var files: [URL] = []
        var folders = [folder]
        let walker = FileManager.default.enumerator(atPath: folder.path)
        while let relative = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let url = folder.appending(path: relative)
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                folders.append(url)
            } else if relative.hasSuffix(".sql") {
                files.append(url)
            }
        }
        return (files, folders)
    }
}
