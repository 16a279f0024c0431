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
