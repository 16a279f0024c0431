import ArgumentParser
import OrderAPI
import OrderCore
import SQLite
import Threads

#if canImport(Glibc)
    import Glibc
#endif

/// `ordersync export customers [--output FILE]`: the deduplicated customer profiles as one JSON
/// document, a metadata header first (count, time, data-quality summary), customers sorted by name.
/// Without `--output`, or with `--output -`, the document goes to standard output.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export data from the database file (no server needed).")

    @OptionGroup var options: CommonOptions

    @Argument(help: "What to export: customers.")
    var dataset: String

    @Option(help: "The file to write (replaced atomically); - or none for standard output.")
    var output: String?

    /// The columns exported, from customer_profiles_v (see its header for what each means).
    static let columns = [
        "email", "customer_name", "company", "phone", "email_valid", "phone_valid", "quality_score", "records",
        "kept_source", "kept_id",
        "kept_modified_at", "order_count", "total_spent", "last_order_at",
    ]

    func run() throws {
        guard dataset == "customers" else { throw Failure("export knows one dataset: customers") }
        let settings = try Settings(options: options, port: nil, maxBodyBytes: nil)
        let connection: Connection
        do {
            connection = try Connection(path: settings.dbPath, mode: .readOnly)
            try connection.execute("BEGIN")  // one snapshot for the header and the rows
        } catch {
            throw Failure("cannot read \(settings.dbPath): \(error.message)")
        }
        var writer = JSONWriter(capacity: 1 << 20)
        do {
            try writeMetadata(connection, into: &writer)
            writer.raw(",\"customers\":")
            let rows = try connection.prepare(
                """
                SELECT \(ExportCommand.columns.joined(separator: ", ")) FROM customer_profiles_v
                ORDER BY customer_name IS NULL, customer_name COLLATE NOCASE, customer_name, email
                """)
            ViewFormat.json.begin(columns: ExportCommand.columns, into: &writer)
            var count = 0
            while try rows.step() {
                ViewFormat.json.row(rows, columns: ExportCommand.columns, index: count, into: &writer)
                count += 1
            }
            ViewFormat.json.end(rows: count, into: &writer)
            writer.raw("}\n")
        } catch {
            throw Failure("cannot read customer_profiles_v: \(error.message) (run `ordersync migrate`?)")
        }
        if let output, output != "-" {
            try ExportCommand.writeAtomically(writer.bytes, to: output)
        } else {
            try StandardOutput.write(writer.bytes)
        }
    }

    /// `{"metadata":{…}` — the count, the export time and what share of profiles has each field valid.
    private func writeMetadata(_ connection: Connection, into writer: inout JSONWriter) throws(SQLiteError) {
        let summary = try connection.prepare(
            """
            SELECT count(*), round(coalesce(avg(quality_score), 0), 1), coalesce(sum(customer_name IS NOT NULL), 0),
                   coalesce(sum(email_valid), 0), coalesce(sum(phone_valid), 0), coalesce(sum(company IS NOT NULL), 0),
                   coalesce(sum(records > 1), 0), coalesce(sum(order_count > 0), 0)
            FROM customer_profiles_v
            """)
        guard try summary.step() else { return }
        let now = Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText
        writer.raw("{\"metadata\":{\"dataset\":\"customers\",\"source\":\"customer_profiles_v\",\"exported_at\":")
        writer.string(now)
        writer.raw(",\"count\":\(summary.int64(0)),\"quality\":{\"average_score\":")
        writer.raw(ViewFormat.number(summary.double(1)) ?? "0")
        writer.raw(
            ",\"with_name\":\(summary.int64(2)),\"with_valid_email\":\(summary.int64(3)),"
                + "\"with_valid_phone\":\(summary.int64(4)),\"with_company\":\(summary.int64(5)),"
                + "\"merged_from_several_records\":\(summary.int64(6)),\"with_orders\":\(summary.int64(7)),"
                + "\"score\":\"25 points each for a name, a valid email, a valid phone and a company\"},")
        writer.raw("\"sorted_by\":\"customer_name\"}")
    }

    /// Writes to `path.tmp`, syncs it, then renames it over `path`: a reader never sees half a file.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure("cannot create \(temporary) (errno \(errno))") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                close(fd)
                unlink(temporary)
                throw Failure("cannot write \(temporary) (errno \(errno))")
            }
            offset += written
        }
        guard fsync(fd) == 0, close(fd) == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Failure("cannot write \(path) (errno \(errno))")
        }
    }
}
