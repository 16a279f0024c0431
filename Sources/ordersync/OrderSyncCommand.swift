import ArgumentParser
import OrderCore

#if canImport(Glibc)
    import Glibc
#endif

/// `ordersync`: the command line. `serve` is the default subcommand.
@main
struct OrderSyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ordersync",
        abstract: "Order ingestion and sync service on an append-only SQLite store.",
        version: ProductVersion.current,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, QueryCommand.self, BackupCommand.self, VerifyCommand.self,
            HealthcheckCommand.self, SyncCommand.self, ExportCommand.self, CopyCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )

    static func main() {
        // A signal mask survives exec: a parent that blocks signals (a Dispatch thread, some process
        // managers) would hand us one. Start from none blocked, as a shell or a container runtime does,
        // so signals act the same whoever started us.
        var none = sigset_t()
        sigemptyset(&none)
        _ = sigprocmask(SIG_SETMASK, &none, nil)
        // A write past the file-size limit (RLIMIT_FSIZE, e.g. a container's or `ulimit -f`) raises
        // SIGXFSZ, whose default action kills the process. Ignored, the write fails with EFBIG instead:
        // SQLite rolls the transaction back, the request gets a 507, and the server keeps serving.
        _ = signal(SIGXFSZ, SIG_IGN)
        main(nil)
    }
}
