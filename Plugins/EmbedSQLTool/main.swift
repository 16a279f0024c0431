import Foundation

// The EmbedSQL plugin's tool: `EmbedSQLTool OUTPUT ROOT` writes OUTPUT, a Swift file holding the text
// of each ROOT/sql/**/*.sql file as an escaped string literal (no raw-string delimiters to outguess).
// A file that is not UTF-8 stops the build, naming it, as the loader would at startup.

func literal(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            out += "\\u{" + String(scalar.value, radix: 16) + "}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// `sql/…/name.sql` paths under `root`, sorted by their UTF-8 bytes (the order the loader applies).
func sqlFiles(root: URL) -> [String] {
    var files: [String] = []
    let folder = root.appending(path: "sql")
    let walker = FileManager.default.enumerator(atPath: folder.path)
    while let relative = walker?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(
            atPath: folder.appending(path: relative).path, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue && relative.hasSuffix(".sql") { files.append("sql/" + relative) }
    }
    return files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: EmbedSQLTool OUTPUT ROOT (embeds ROOT/sql/**/*.sql)\n".utf8))
    exit(2)
}
let output = arguments[1]
let root = URL(fileURLWithPath: arguments[2])
var entries: [String] = []
for name in sqlFiles(root: root) {
    guard let data = FileManager.default.contents(atPath: root.appending(path: name).path) else {
        FileHandle.standardError.write(Data("error: \(name): cannot be read\n".utf8))
        exit(1)
    }
    guard let text = String(validating: data, as: UTF8.self) else {
        FileHandle.standardError.write(Data("error: \(name): is not valid UTF-8\n".utf8))
        exit(1)
    }
    entries.append("        (\(literal(name)), \(literal(text))),")
}
let source = """
    // Generated at build time by Plugins/EmbedSQL from sql/**/*.sql: do not edit.

    /// The repository's SQL files, built into the executable (docs/contract.md §2): path relative to
    /// the repository (`sql/tables/orders_raw.sql`) and text, sorted by path.
    package enum EmbeddedSQL {
        package static let files: [(name: String, text: String)] = [
    \(entries.joined(separator: "\n"))
        ]
    }

    """
// Unchanged text is not written again: the target then needs no recompiling.
if FileManager.default.contents(atPath: output) != Data(source.utf8) {
    do {
        try Data(source.utf8).write(to: URL(fileURLWithPath: output))
    } catch {
        FileHandle.standardError.write(Data("error: cannot write \(output): \(error)\n".utf8))
        exit(1)
    }
}
