import Foundation

/// A fresh directory under /tmp, removed when the test ends (even when it throws).
final class TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "ordersync-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
}

/// The repository's `sql/` directory (tests run from the package root, but do not rely on it).
enum Repository {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.path
            }
        }
        return FileManager.default.currentDirectoryPath
    }()

    static var sqlDirectory: String { root + "/sql" }

    /// The built `ordersync` executable, next to the test bundle.
    static var executable: String { program("ordersync") }

    /// A built executable of this package (`ordersync-sync`, `ordersync-fake-providers`), next to the test bundle.
    static func program(_ name: String) -> String {
        var url = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = url.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            url.deleteLastPathComponent()
        }
        return root + "/.build/debug/" + name
    }
}
