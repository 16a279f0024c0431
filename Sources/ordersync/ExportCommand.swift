import ArgumentParser
import OrderAPI
import OrderCore
import OrderStore
import PostgresStore
import Storage
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
        let store = try OpenForReading.store(settings)
        defer { store.close() }
        var writer = JSONWriter(capacity: 1 << 20)
        do {
            let (summary, rows) = try store.exportCustomers(columns: ExportCommand.columns)
            defer { rows.finish() }
            writeMetadata(summary, into: &writer)
            writer.raw(",\"customers\":")
            ViewFormat.json.begin(columns: ExportCommand.columns, into: &writer)
            var count = 0
            while try rows.step() {
                ViewFormat.json.row(rows, columns: ExportCommand.columns, index: count, into: &writer)
                count += 1
            }
            ViewFormat.json.end(rows: count, into: &writer)
            writer.raw("}\n")
        } catch {
            throw Failure("cannot read customer_profiles_v: \(error) (run `ordersync migrate`?)")
        }
        if let output, output != "-" {
            try ExportCommand.writeAtomically(writer.bytes, to: output)
        } else {
            try StandardOutput.write(writer.bytes)
        }
    }

    /// `{"metadata":{…}` — the count, the export time and what share of profiles has each field valid.
    private func writeMetadata(_ summary: CustomerSummary, into writer: inout JSONWriter) {
        let now = Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText
        writer.raw("{\"metadata\":{\"dataset\":\"customers\",\"source\":\"customer_profiles_v\",\"exported_at\":")
        writer.string(now)
        writer.raw(",\"count\":\(summary.count),\"quality\":{\"average_score\":")
        writer.raw(ViewFormat.number(summary.averageScore) ?? "0")
        writer.raw(
            ",\"with_name\":\(summary.withName),\"with_valid_email\":\(summary.withValidEmail),"
                + "\"with_valid_phone\":\(summary.withValidPhone),\"with_company\":\(summary.withCompany),"
                + "\"merged_from_several_records\":\(summary.mergedFromSeveralRecords),\"with_orders\":\(summary.withOrders),"
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
