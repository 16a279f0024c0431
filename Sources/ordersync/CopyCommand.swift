import ArgumentParser
import OrderStore
import PostgresStore
import ServiceSupport
import Storage

/// `ordersync copy --to postgres://…`: moves the SQLite database at DB_PATH into PostgreSQL, every
/// table of the data (CopiedTable.all) streamed in chunks, each chunk its own transaction, so a copy
/// that stops (killed, the network gone) resumes after the last chunk it committed when run again.
/// It ends by reading both sides in key order and comparing row counts and checksums, table by table.
/// Stop the SQLite server first: rows it writes during the copy may be missed.
struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy the SQLite database (DB_PATH) into PostgreSQL, resumably, and verify it (docs/postgresql.md).")

    @OptionGroup var options: CommonOptions

    @Option(
        help: ArgumentHelp(
            "The PostgreSQL URL to copy into (postgres://…); also TO_DATABASE_URL or TO_DATABASE_URL_FILE.",
            valueName: "url"))
    var to: String?

    @Option(help: "Rows per transaction.")
    var chunk: Int = 10_000

    func run() throws {
        let settings = try Settings(options: options, port: nil, maxBodyBytes: nil)
        guard chunk > 0 else { throw Failure("--chunk must be positive") }
        let url: String
        do {
            // A URL with a password is better read from a file than from the command line (ps shows it).
            guard let given = try to ?? Secrets.value("TO_DATABASE_URL", in: settings.environment) else {
                throw Failure("give the PostgreSQL URL: --to postgres://… or TO_DATABASE_URL(_FILE)")
            }
            url = given
        } catch let error as Secrets.Invalid {
            throw Failure(error.description)
        }
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw Failure("--to must be a postgres:// or postgresql:// URL")
        }
        let source: SQLiteCopySource
        do {
            source = try SQLiteCopySource(path: settings.dbPath)
        } catch {
            throw Failure(error.description)
        }
        let target: PostgresCopyTarget
        do {
            target = try PostgresCopyTarget(url: url, sqlDirectory: settings.sqlDirectory)
        } catch {
            throw Failure(error.description)
        }
        do {
            for table in CopiedTable.all { try copy(table, from: source, to: target) }
            var summary: [String] = []
            for table in CopiedTable.all {
                let (left, right) = (try checksum(table, source), try checksum(table, target))
                guard left == right else {
                    throw Failure(
                        "\(table.name) differs after the copy: \(left.rows) rows in \(settings.dbPath), \(right.rows) in \(target.target) (checksums \(hex(left.value)) and \(hex(right.value))); the target holds rows the source does not, or was changed: copy into an empty database"
                    )
                }
                summary.append("\(table.name) \(left.rows)")
            }
            print("copied \(settings.dbPath) to \(target.target) and verified (rows and checksums): \(summary.joined(separator: ", "))")
        } catch let error as StoreError {
            throw Failure("copy failed: \(error); run the same command again to resume")
        }
    }

    private func copy(_ table: CopiedTable, from source: SQLiteCopySource, to target: PostgresCopyTarget) throws {
        var after = try target.lastKey(of: table)
        if after > 0 { print("\(table.name): resuming after \(table.key ?? "key") \(after)") }
        var copied = 0
        while true {
            let rows = try source.rows(of: table, after: after, limit: chunk)
            if rows.isEmpty && table.key != nil { break }
            try target.append(rows, to: table)
            copied += rows.count
            // The key is the first column of every keyed table (CopiedTable.all).
            guard table.key != nil, let last = rows.last?.first.flatMap({ $0 }).flatMap(Int64.init) else { break }
            after = last
            if copied % (chunk * 10) == 0 { print("\(table.name): \(copied) rows") }
        }
        try target.finish(table)
    }

    private func checksum(_ table: CopiedTable, _ side: some CopySource) throws -> RowChecksum {
        var checksum = RowChecksum()
        var after: Int64 = 0
        while true {
            let rows = try side.rows(of: table, after: after, limit: chunk)
            for row in rows { checksum.add(row) }
            guard table.key != nil, rows.count == chunk, let last = rows.last?.first.flatMap({ $0 }).flatMap(Int64.init)
            else { break }
            after = last
        }
        return checksum
    }

    private func hex(_ value: UInt64) -> String { String(value, radix: 16) }
}
