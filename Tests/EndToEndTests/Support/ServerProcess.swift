import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The `ordersync` executable in a child process, for what only a real process shows:
/// `kill -9`, SIGTERM, exit codes, startup messages.
final class ServerProcess {
    let process = Process()
    let port: UInt16
    /// The server's stderr goes to a file: a pipe nobody drains would block the server once full.
    private let logPath: String
    private let logHandle: FileHandle

    struct Failed: Error, CustomStringConvertible { let description: String }

    var log: String { ServerProcess.read(logPath) }

    private static func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// Starts `ordersync serve` on a free port and waits until it listens. The log goes next to the
    /// database unless `logDirectory` says where (e.g. off a file system that a test fills up). A nil
    /// `dbPath` or `sqlDirectory` leaves DB_PATH or SQL_DIR unset (the built-in defaults);
    /// `executable` and `workingDirectory` run another copy of the program from another folder.
    init(
        dbPath: String?, environment extra: [String: String] = [:], arguments: [String] = ["serve"],
        logDirectory: String? = nil, sqlDirectory: String? = Repository.sqlDirectory,
        executable: String = Repository.executable, workingDirectory: String? = nil
    ) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        var environment = ProcessInfo.processInfo.environment
        environment["PORT"] = "0"
        environment["HOST"] = nil  // a shell's HOST (tcsh exports the machine's name) is not ours
        environment["DB_PATH"] = dbPath
        environment["SQL_DIR"] = sqlDirectory
        environment["LOG_FORMAT"] = "json"
        environment["LOG_LEVEL"] = "info"
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let logBase =
            logDirectory.map { ($0 as NSString).appendingPathComponent("server") } ?? dbPath
            ?? NSTemporaryDirectory() + "ordersync-server"
        logPath = logBase + ".\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardError = logHandle
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The "listening" log line says where it listens.
        var port: UInt16?
        let deadline = Date().addingTimeInterval(20)
        while port == nil && Date() < deadline && process.isRunning {
            let text = ServerProcess.read(logPath)
            if let range = text.range(of: #""port":"#) {
                port = UInt16(text[range.upperBound...].drop { $0 == "\"" }.prefix { $0.isNumber })
            } else {
                usleep(5_000)
            }
        }
        guard let port else {
            process.terminate()
            throw Failed(description: "server did not start: \(ServerProcess.read(logPath))")
        }
        self.port = port
    }

    /// The child's process id (for /proc and prlimit).
    var pid: Int32 { process.processIdentifier }

    /// Sends a signal (SIGKILL, SIGTERM, …).
    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for exit; returns the status (or -1 on timeout) and everything logged since start.
    func waitForExit(timeoutSeconds: Double = 15) -> (status: Int32, log: String) {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            signal(SIGKILL)
            process.waitUntilExit()
            return (-1, log)
        }
        return (process.terminationStatus, log)
    }

    deinit {
        if process.isRunning {
            signal(SIGKILL)
            process.waitUntilExit()
        }
    }
}
