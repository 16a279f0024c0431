import Foundation
import Testing

extension FaultTests {
    /// Where the database cannot be written, `serve` stops at once with one line naming the path and the
    /// reason (not SQLite's bare "unable to open database file", not a crash), and a non-zero status.
    /// (A folder that cannot be created is covered by CrashTests.)
    @Test(arguments: ["a new database", "an existing database", "a read-only database file"])
    func aDatabaseThatCannotBeWrittenStopsStartupWithTheReason(_ situation: String) throws {
        let directory = TemporaryDirectory()
        defer { withExtendedLifetime(directory) {} }
        let data = directory.file("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        if situation != "a new database" {
            let created = try runOrdersync(
                ["migrate"], environment: ["DB_PATH": data + "/orders.db", "SQL_DIR": Repository.sqlDirectory])
            #expect(created.status == 0, "\(created.output)")
        }
        let readOnly: ReadOnlyPath
        do {
            readOnly = try ReadOnlyPath(situation == "a read-only database file" ? data + "/orders.db" : data)
        } catch {
            try Test.cancel("cannot make a path read-only here: \(error)")
        }
        let dbPath =
            situation == "a read-only database file" ? readOnly.path : readOnly.path + "/orders.db"
        let folder = (dbPath as NSString).deletingLastPathComponent
        let result = try runOrdersyncBounded(
            ["serve"], environment: ["DB_PATH": dbPath, "SQL_DIR": Repository.sqlDirectory])
        #expect(result.status > 0, "status \(result.status) (-1: it kept running): \(result.output)")
        // A read-only file in a read-only view of it: the check names the file; otherwise the folder.
        #expect(result.output.contains(situation == "a read-only database file" ? dbPath : folder))
        #expect(result.output.contains(readOnly.expectedReason), "\(result.output)")
        expectNoCrash(result.output)
        withExtendedLifetime(readOnly) {}
    }

    /// A database path that is a folder, or one under a regular file, is named as such.
    @Test func aDatabasePathThatIsAFolderOrUnderAFileStopsStartup() throws {
        let directory = TemporaryDirectory()
        let file = directory.file("plain-file")
        _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        for (dbPath, reason) in [(directory.path, "is a directory"), (file + "/orders.db", "is not a directory")] {
            let result = try runOrdersyncBounded(
                ["serve"], environment: ["DB_PATH": dbPath, "SQL_DIR": Repository.sqlDirectory])
            #expect(result.status > 0, "status \(result.status): \(result.output)")
            #expect(result.output.contains(dbPath.hasSuffix("orders.db") ? file : dbPath))
            #expect(result.output.contains(reason), "\(result.output)")
            expectNoCrash(result.output)
        }
    }

    /// A refusal to start is a message, not a crash report.
    private func expectNoCrash(_ output: String) {
        for crash in ["Fatal error", "Stack dump", "backtrace", "Segmentation", "Trace/breakpoint"] {
            #expect(!output.contains(crash), "\(output)")
        }
        #expect(output.split(separator: "\n").count <= 3, "\(output)")
    }
}
