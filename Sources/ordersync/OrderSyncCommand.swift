import ArgumentParser

/// `ordersync`: the command line. `serve` is the default subcommand.
@main
struct OrderSyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ordersync",
        abstract: "Order ingestion and sync service on an append-only SQLite store.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, QueryCommand.self, BackupCommand.self, VerifyCommand.self,
            HealthcheckCommand.self, SyncCommand.self, ExportCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )
}
