import ArgumentParser
import Threads

#if canImport(Glibc)
    import Glibc
#endif

/// `ordersync sync`: one sync run from the command line, by the same worker `/sync` uses (this
/// process becomes it, so its summary, logs and exit status are the worker's own).
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Run the connectors once (Shopify, Zoho CRM, generic customers) and print the summary.",
        discussion: "Exit status: 0 succeeded, 1 cannot start, 3 a provider failed, 4 deadline or storage, 5 busy.")

    @OptionGroup var options: CommonOptions

    func run() throws {
        let settings: Settings
        do {
            settings = try Settings(options: options, port: nil, maxBodyBytes: nil)
        } catch {
            throw Failure("configuration: \(error)")
        }
        let worker = SyncLauncher.workerPath(environment: settings.environment)
        // The worker reads its log settings from the environment: flags given here carry over.
        if let level = options.logLevel { setenv("LOG_LEVEL", level, 1) }
        if let format = options.logFormat { setenv("LOG_FORMAT", format, 1) }
        var arguments = ["--db-path", settings.dbPath, "--trigger", "cli"]
        if let sqlDirectory = settings.sqlDirectory { arguments += ["--sql-dir", sqlDirectory] }
        let error = ChildProcess.replace(path: worker, arguments: arguments)
        throw Failure("cannot run \(worker) (errno \(error)): build it with `swift build --product ordersync-sync`")
    }
}
