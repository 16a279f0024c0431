import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct CommandTests {
    /// The built executable, next to the test bundle.
    static var executable: String {
        var url = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = url.appendingPathComponent("ordersync-fake-providers").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            url.deleteLastPathComponent()
        }
        return ".build/debug/ordersync-fake-providers"
    }

    /// Starts the executable with `arguments` and reads its first line of output (where it listens; one
    /// line, flushed at once although stdout is a pipe). The caller stops the process.
    static func launch(_ arguments: [String]) throws -> (process: Process, line: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = ""
        while !line.hasSuffix("\n") {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            line += String(decoding: byte, as: UTF8.self)
        }
        return (process, line)
    }

    @Test func printsWhereItListensServesAndStopsOnSIGTERM() throws {
        let (process, line) = try Self.launch([
            "--port", "0", "--orders", "30", "--contacts", "30", "--fault", "shopify:status:1:502",
        ])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let prefix = "listening on http://127.0.0.1:"
        #expect(line.hasPrefix(prefix))
        let port = try #require(UInt16(line.dropFirst(prefix.count).dropLast()))
        let client = try RawClient(port: port)
        try client.send(
            "GET /admin/api/2024-10/orders.json HTTP/1.1\r\nHost: x\r\nX-Shopify-Access-Token: shpat_fake\r\n\r\n")
        #expect(try client.readResponse().status == 502)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
