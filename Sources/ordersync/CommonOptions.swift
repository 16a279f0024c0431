import ArgumentParser

/// Flags shared by every subcommand. Each falls back to its environment variable (Cloud Run style),
/// then to the documented default (docs/contract.md §3).
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("db-path"), help: "SQLite database file (env DB_PATH, default data/ordersync.db).")
    var dbPath: String?

    @Option(
        name: .customLong("sql-dir"),
        help: "Read tables/, migrations/ and views/ SQL files from here (env SQL_DIR; default: built-in sql/).")
    var sqlDirectory: String?

    @Option(
        name: .customLong("log-level"),
        help: "trace, debug, info, notice, warning, error or critical (env LOG_LEVEL, default info).")
    var logLevel: String?

    @Option(
        name: .customLong("log-format"),
        help: "text or json (env LOG_FORMAT; default text on a terminal, json otherwise).")
    var logFormat: String?
}
