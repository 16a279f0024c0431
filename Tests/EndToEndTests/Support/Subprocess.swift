import Foundation

/// Runs a program to completion: its exit status and what it printed (standard output, and standard
/// error too unless `includeErrors` is false). `environment` entries are added to the test's own.
func runProgram(
    _ path: String, _ arguments: [String], environment extra: [String: String] = [:], includeErrors: Bool = true
) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    for (key, value) in extra { environment[key] = value }
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    if includeErrors { process.standardError = pipe }
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
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
    for (key, value) in extra { environment[key] = value }
    process.environment = environment
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let deadline = Date().addingTimeInterval(timeoutSeconds)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    let timedOut = process.isRunning
    if timedOut { process.terminate() }
    process.waitUntilExit()
    try? output.close()
    let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    return (timedOut ? -1 : process.terminationStatus, text)
}
