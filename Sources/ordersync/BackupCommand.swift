import ArgumentParser
import OrderStore

/// `ordersync backup FILE`: a consistent copy of the live database, while the server keeps serving.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Copy the database consistently (SQLite online backup), even while serving.")

    @OptionGroup var options: CommonOptions

    @Argument(help: "The new file (it must not exist).")
    var file: String

    func run() throws {
        let settings = try Settings(options: options, port: nil, maxBodyBytes: nil)
        guard settings.databaseURL == nil else {
            throw Failure(
                "backup copies a SQLite file; on PostgreSQL (DATABASE_URL) use pg_dump, or your provider's backups and point-in-time recovery (docs/postgresql.md)"
            )
        }
        guard !FileChecks.exists(file) else { throw Failure("\(file) already exists; choose a new file") }
        // Read-only: a missing source is an error here, never a new empty database.
        guard FileChecks.exists(settings.dbPath) else { throw Failure("\(settings.dbPath) does not exist") }
        do {
            try DatabaseFile.backup(from: settings.dbPath, to: file)
        } catch {
            throw Failure("backup of \(settings.dbPath) failed: \(error.description)")
        }
        let report = try DatabaseFile.verify(file)
        guard report.problems.isEmpty else {
            // Only a verified copy is a backup: a file left here would pass for one.
            OrderStore.removeDatabaseFiles(file)
            throw Failure("the copy does not verify: \(report.problems.joined(separator: "; "))")
        }
        print("backed up \(settings.dbPath) to \(file): \(report.summary)")
    }
}

/// `ordersync verify FILE`: integrity check and schema check of a database file.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract:
            "Check a database file: PRAGMA integrity_check, the ordersync schema, and that the projections equal a recomputation (docs/projections.md)."
    )

    @Argument(help: "The database file.")
    var file: String

    @Option(help: "Orders chosen at random whose projections are recomputed from their history.")
    var sample: Int = 1_000

    @Flag(help: "Compare every projection-backed view with its from-scratch twin, row for row (slow on big files).")
    var full = false

    func run() throws {
        guard FileChecks.exists(file) else { throw Failure("\(file) does not exist") }
        guard sample >= 0 else { throw Failure("--sample must be 0 or more") }
        let report = try DatabaseFile.verify(file, sample: sample, full: full)
        guard report.problems.isEmpty else {
            throw Failure("\(file) failed verification: \(report.problems.joined(separator: "; "))")
        }
        print("\(file): ok, \(report.summary)")
    }
}
