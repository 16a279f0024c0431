import Foundation
import OrderStore
import Storage
import SQLite

/// A temporary directory with its own copy of `sql/`, so a test can change SQL files freely.
final class StoreFixture {
    let root: String
    var sqlDirectory: String { root + "/sql" }
    var dbPath: String { root + "/db/orders.db" }

    init() throws {
        root = NSTemporaryDirectory() + "ordersync-store-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: StoreFixture.repositorySQL, toPath: sqlDirectory)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func write(_ relativePath: String, _ text: String) throws {
        try text.write(toFile: sqlDirectory + "/" + relativePath, atomically: true, encoding: .utf8)
    }

    /// Writes `sql/migrations/<name>` (creating the folder).
    func migration(_ name: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: sqlDirectory + "/migrations", withIntermediateDirectories: true)
        try write("migrations/" + name, text)
    }

    func remove(_ relativePath: String) throws {
        try FileManager.default.removeItem(atPath: sqlDirectory + "/" + relativePath)
    }

    func open() throws -> OrderStore {
        try OrderStore(path: dbPath, sqlDirectory: sqlDirectory)
    }

    /// A read-write connection of the test's own (the store must be closed or not writing).
    func connection() throws -> Connection {
        try Connection(path: dbPath, mode: .readWrite)
    }

    static let repositorySQL: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.appendingPathComponent("sql").path
            }
        }
        return "sql"
    }()
}
