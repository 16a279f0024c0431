import ArgumentParser
import OrderAPI
import OrderCore
import OrderStore
import PostgresStore
import Storage

#if canImport(Glibc)
    import Glibc
#endif

/// `ordersync query VIEW`: print a view from the database file, without the server.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query", abstract: "Print the rows of a view (from the database file; no server needed).")

    @OptionGroup var options: CommonOptions

    @Argument(help: "The view, e.g. order_lifecycle_metrics_v.")
    var view: String

    @Option(help: "json, csv or ndjson.")
    var format: String = "json"

    @Option(
        name: .customLong("where"),
        help: "A filter column=value (exact) or column__ieq=value (text, ignoring ASCII case); repeatable.")
    var filters: [String] = []

    @Option(help: "At most this many rows (default: all).")
    var limit: Int?

    func run() throws {
        let settings = try Settings(options: options, port: nil, maxBodyBytes: nil)
        guard let format = ViewFormat(rawValue: format) else { throw Failure("--format must be json, csv or ndjson") }
        let store = try OpenForReading.store(settings)
        defer { store.close() }
        let catalog: ViewCatalog
        do {
            catalog = try store.viewCatalog()
        } catch {
            throw Failure("cannot read the views: \(error) (run `ordersync migrate` first?)")
        }
        guard let definition = catalog.view(named: view) else {
            throw Failure("no view \(view); views: \(catalog.views.map(\.name).joined(separator: ", "))")
        }
        var query = ViewQuery(view: definition)
        query.limit = limit
        guard filters.count <= ViewFilter.maxFilters else {
            throw Failure("--where: \(ViewFilter.Refusal.tooMany(limit: ViewFilter.maxFilters))")
        }
        for filter in filters {
            let parts = filter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw Failure("--where \(filter.prefix(64)): expected column=value") }
            do {
                query.filters.append(try ViewFilter(name: String(parts[0]), value: String(parts[1]), view: definition))
            } catch {
                throw Failure("--where: \(error.description)")
            }
        }
        let rows: any ViewRows
        do {
            rows = try store.openView(query, extraRow: false, deadline: nil)
        } catch {
            throw Failure("cannot read \(definition.name): \(error)")
        }
        defer { rows.finish() }
        var writer = JSONWriter(capacity: 256 * 1024)
        format.begin(columns: definition.columns, into: &writer)
        var count = 0
        while try rows.step() {
            format.row(rows, columns: definition.columns, index: count, into: &writer)
            count += 1
            if writer.bytes.count >= 256 * 1024 {
                try StandardOutput.write(writer.bytes)
                writer.bytes.removeAll(keepingCapacity: true)
            }
        }
        format.end(rows: count, into: &writer)
        try StandardOutput.write(writer.bytes)
    }
}

/// Whole writes to stdout (a pipe may take them in parts).
enum StandardOutput {
    static func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure("cannot write to standard output (errno \(errno))")
            }
            offset += written
        }
    }
}
