package import Storage
import SQLite

/// A database that the server or `ordersync migrate` made, opened read-only for the tools that only
/// read it (`query`, `export`): a wrong path never creates a file, and the error says what to do
/// when the file is missing or was never migrated, instead of SQLite's "no such table".
package final class ReadOnlyStore: PooledReads, CustomerExporting, Sendable {
    let readers: ReaderPool
    let catalog = CatalogCache()
    let latestSource: OrderQueries.LatestSource
    let answersReads: Bool

    /// Tables every migrated database has (sql/tables/orders_raw.sql and SchemaLoader's bookkeeping).
    static let markers = ["orders_raw", "ordersync_sql_files"]

    /// Why the database cannot be read: a message for the command line.
    package struct OpenError: Error, CustomStringConvertible {
        package let description: String
    }

    package init(path: String) throws(OpenError) {
        let advice = "run `ordersync migrate` or start the server once (DB_PATH or --db-path names the file)"
        guard FileSystem.exists(path) else { throw OpenError(description: "database \(path) does not exist: \(advice)") }
        let progress: ProjectionProgress?
        do {
            let connection = try Connection(path: path, mode: .readOnly)
            let statement = try connection.prepare(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN (?, ?)")
            try statement.bind(ReadOnlyStore.markers)
            let found = try statement.step() ? statement.int64(0) : 0
            guard found == ReadOnlyStore.markers.count else {
                throw OpenError(description: "database \(path) has no ordersync schema: \(advice)")
            }
            let projections = try connection.scalarInt(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'projection_progress'")
            progress = projections == 1 ? try Projector(connection).progress() : nil
        } catch let error as OpenError {
            throw error
        } catch let error as SQLiteError {
            throw OpenError(description: "cannot read \(path): \(error.message)")
        } catch {
            throw OpenError(description: "cannot read \(path): \(error)")
        }
        readers = ReaderPool(path: path, capacity: 1)
        // A database without projections (a SQL directory without them) reads latest_order_v; one
        // whose backfill has not completed reads the from-scratch twins, as the server does.
        if let progress {
            latestSource = progress.complete ? .projection : .view("latest_order_scratch_v")
            answersReads = progress.complete
        } else {
            latestSource = .view("latest_order_v")
            answersReads = true
        }
    }

    /// Closes the connection (a tool is done with the file).
    package func close() { readers.close() }

    package func exportCustomers(columns: [String]) throws(StoreError) -> (
        summary: CustomerSummary, rows: any ViewRows
    ) {
        do {
            let lease = try readers.lease()
            let connection = lease.connection
            try connection.execute("BEGIN")  // one snapshot for the summary and the rows
            let summary = try connection.prepare(
                """
                SELECT count(*), round(coalesce(avg(quality_score), 0), 1), coalesce(sum(customer_name IS NOT NULL), 0),
                       coalesce(sum(email_valid), 0), coalesce(sum(phone_valid), 0), coalesce(sum(company IS NOT NULL), 0),
                       coalesce(sum(records > 1), 0), coalesce(sum(order_count > 0), 0)
                FROM customer_profiles_v
                """)
            var result = CustomerSummary()
            if try summary.step() {
                result.count = Int(summary.int64(0))
                result.averageScore = summary.double(1)
                result.withName = Int(summary.int64(2))
                result.withValidEmail = Int(summary.int64(3))
                result.withValidPhone = Int(summary.int64(4))
                result.withCompany = Int(summary.int64(5))
                result.mergedFromSeveralRecords = Int(summary.int64(6))
                result.withOrders = Int(summary.int64(7))
            }
            summary.reset()
            let quoted = columns.map(SchemaLoader.quoteIdentifier).joined(separator: ", ")
            let rows = try connection.prepare(
                """
                SELECT \(quoted) FROM customer_profiles_v
                ORDER BY customer_name IS NULL, customer_name COLLATE NOCASE, customer_name, email
                """)
            return (result, StatementViewRows(lease: lease, statement: rows, endsTransaction: true))
        } catch {
            throw StoreError.from(error)
        }
    }
}
