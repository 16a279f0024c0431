import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program to completion: its exit status and what it printed (standard output, and standard
/// error too unless `includeErrors` is false, when it is dropped). `environment` entries are added to
/// the test's own.
func runProgram(
    _ path: String, _ arguments: [String], environment extra: [String: String] = [:], includeErrors: Bool = true
) throws -> (status: Int32, output: String) {
    let run = try runProgramKeepingErrors(path, arguments, environment: extra, mergeErrors: includeErrors)
    return (run.status, run.output)
}

/// Runs a program to completion: its exit status, standard output and standard error (or both in
/// `output` when `mergeErrors`). Standard error never reaches the test run's own output: a child's log
/// lines there would bury the results; a failing test prints what it needs from `errors`.
/// A hang guard, not a time limit: a child still running after `hangSeconds` is killed (SIGKILL) and
/// the call throws `SubprocessTimedOut`, so a test fails instead of hanging.
func runProgramKeepingErrors(
    _ path: String, _ arguments: [String], environment extra: [String: String] = [:], mergeErrors: Bool = false,
    hangSeconds: Double = 600
) throws -> (status: Int32, output: String, errors: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    for (key, value) in extra { environment[key] = value }
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    // Standard error to a file, not a second pipe: a pipe nobody drains while we read the first one
    // would block the child once full.
    let errorsPath = NSTemporaryDirectory() + "ordersync-errors-" + UUID().uuidString
    _ = FileManager.default.createFile(atPath: errorsPath, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: errorsPath) }
    let errorsHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errorsPath))
    process.standardError = mergeErrors ? pipe : errorsHandle
    try process.run()
    let killed = Mutex(false)
    let guardItem = DispatchWorkItem {
        guard process.isRunning else { return }
        killed.withLock { $0 = true }
        kill(process.processIdentifier, SIGKILL)
    }
    DispatchQueue.global().asyncAfter(deadline: .now() + hangSeconds, execute: guardItem)
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guardItem.cancel()
    try? errorsHandle.close()
    let errors = (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
    if killed.withLock({ $0 }) {
        throw SubprocessTimedOut(
            program: "\(path) \(arguments.joined(separator: " "))", seconds: hangSeconds,
            output: String(decoding: data, as: UTF8.self) + errors)
    }
    return (process.terminationStatus, String(decoding: data, as: UTF8.self), errors)
}

/// Runs the `ordersync` executable to completion (e.g. `migrate`, or a startup that must fail).
func runOrdersync(_ arguments: [String], environment extra: [String: String]) throws -> (status: Int32, output: String)
{
    try runProgram(
        Repository.executable, arguments, environment: extra.merging(["LOG_FORMAT": "text"]) { given, _ in given })
}

/// Runs the `ordersync` executable where it might, wrongly, keep running (`serve` that should refuse to
/// start): killed after `timeoutSeconds` and reported with status -1. Output is stdout and stderr.
func runOrdersyncBounded(
    _ arguments: [String], environment extra: [String: String], timeoutSeconds: Double = 20
) throws -> (status: Int32, output: String) {
    let outputPath = NSTemporaryDirectory() + "ordersync-output-" + UUID().uuidString
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: outputPath) }
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Repository.executable)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["LOG_FORMAT"] = "text"
    environment["PORT"] = "0"
    environment["HOST"] = nil  // a shell's HOST (tcsh exports the machine's name) is not ours
    for (key, value) in extra { environment[key] = value }
    process.environment = environment
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let deadline = Date().addingTimeInterval(timeoutSeconds)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    let timedOut = process.isRunning
    // SIGKILL, not SIGTERM: a server that wrongly started would drain first, and the wait must stay bounded.
    if timedOut { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    try? output.close()
    let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    return (timedOut ? -1 : process.terminationStatus, text)
}

/// A child that outlived its deadline: it was killed, and the test fails with what it printed.
struct SubprocessTimedOut: Error, CustomStringConvertible {
    let program: String
    let seconds: Double
    let output: String
    var description: String { "\(program) still ran after \(seconds) s and was killed; it printed: \(output)" }
}

/// Runs a program to completion like `runProgram`, but never waits longer than `timeoutSeconds`: a
/// child still running then is killed (SIGKILL) and the call throws `SubprocessTimedOut`, so a test
/// fails instead of hanging. Output is stdout and stderr, through a file (no pipe to fill up).
/// `unset` names variables of the test's environment the child must not see; `workingDirectory` is
/// where it runs (the test's own by default).
func runProgramWithin(
    _ timeoutSeconds: Double, _ path: String, _ arguments: [String], environment extra: [String: String] = [:],
    unset: [String] = [], workingDirectory: String? = nil
) throws -> (status: Int32, output: String) {
    let outputPath = NSTemporaryDirectory() + "ordersync-output-" + UUID().uuidString
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: outputPath) }
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    defer { try? output.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    for key in unset { environment[key] = nil }
    for (key, value) in extra { environment[key] = value }
    process.environment = environment
    if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let deadline = Date().addingTimeInterval(timeoutSeconds)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        throw SubprocessTimedOut(
            program: "\(path) \(arguments.joined(separator: " "))", seconds: timeoutSeconds, output: text)
    }
    process.waitUntilExit()
    return (process.terminationStatus, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
}

/// `ordersync` run with `runProgramWithin` (text logs): killed, and the test failed, past `timeoutSeconds`.
func runOrdersyncWithin(
    _ timeoutSeconds: Double, _ arguments: [String], environment extra: [String: String], unset: [String] = []
) throws -> (status: Int32, output: String) {
    try runProgramWithin(
        timeoutSeconds, Repository.executable, arguments,
        environment: extra.merging(["LOG_FORMAT": "text"]) { given, _ in given }, unset: unset)
}
