package import CoreMetrics
package import OrderCore
import PostgreSQL
package import Storage
import Synchronization
import Threads

/// The PostgreSQL engine behind the storage boundary (docs/storage.md, docs/postgresql.md): chosen by
/// `DATABASE_URL`. Any number of instances may share one database: the dedup rules run inside it
/// (ordersync_ingest), and the SQL files are applied once under an advisory lock.
package final class PostgresStore: OrderDatabase, Sendable {
    package let engine = "postgresql"
    package let views: [String]
    package let appliedMigrations: [String]
    /// Where the projections' backfill stands (sql/postgresql/functions/ordersync_project.sql): until it
    /// completes, reads use the from-scratch twins, as on SQLite (docs/projections.md).
    package let projections: ProjectionStatus
    /// Where the database is, without the password: for the log.
    package let target: String

    private let writer: PostgresWriter
    private let readers: ConnectionPool
    private let catalog = Mutex<Catalog?>(nil)

    private struct Catalog {
        let views: ViewCatalog
        let kinds: [String: [String: CellKind]]
    }

    /// Why the store could not open: the message names the host, never the password.
    package struct OpenError: Error, CustomStringConvertible {
        package let description: String
    }

    /// Rows a streamed view reads per round trip (FETCH).
    static let fetchRows = 1_000

    /// Connects, applies the SQL files (those of `sqlDirectory/postgresql/`, or the built-in ones),
    /// starts the writer (which also runs the projections' backfill, in chunks of `backfillChunk` orders,
    /// telling `onProjections`). `readerCapacity` bounds the connections reads use (the writer has its own).
    package init(
        url: String, sqlDirectory: String?, readerCapacity: Int = 8,
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        backfillChunk: Int = PostgresWriter.backfillChunk, writers: Int = PostgresWriter.defaultWriters,
        onProjections: (@Sendable (ProjectionStatus.Event) -> Void)? = nil, sourcePriority: SourcePriority = .standard
    ) throws(OpenError) {
        let open: @Sendable () throws(PostgresError) -> PGConnection = { () throws(PostgresError) in
            try PostgresStore.connect(url, priority: sourcePriority)
        }
        let (first, applied) = try PostgresStore.connectApplyingSchema(
            url, sqlDirectory: sqlDirectory, priority: sourcePriority)
        target = first.target.description
        views = applied.views
        appliedMigrations = applied.migrations
        let progress: ProjectionProgress?
        do {
            progress = try PostgresWriter.projectionProgress(first)
        } catch {
            throw OpenError(description: "cannot read the projections' progress: \(error)")
        }
        projections = ProjectionStatus(progress, listener: onProjections)
        readers = ConnectionPool(capacity: readerCapacity, open: open)
        readers.release(first)
        writer = PostgresWriter(
            metrics: WriterMetrics(factory: metricsFactory), projections: projections,
            backfillChunk: backfillChunk, writers: writers, open: open)
        do {
            try writer.start()
        } catch {
            readers.close()
            throw OpenError(description: "cannot start the writer thread")
        }
    }

    /// A connection for this engine's work: a 200 only once the commit is durable, whatever the
    /// server's or the role's default for synchronous_commit; and SOURCE_PRIORITY for ordersync_ingest
    /// (sql/postgresql/functions/ordersync_ingest.sql, ordersync_source_rank).
    static func connect(_ url: String, priority: SourcePriority = .standard) throws(PostgresError) -> PGConnection {
        let connection = try PGConnection(conninfo: url)
        _ = try connection.query("SET synchronous_commit = on")
        _ = try connection.query("SELECT set_config('ordersync.source_priority', $1, false)", [.text(priority.text)])
        return connection
    }

    /// A connection, after the SQL files were applied through it (PostgresSchema.apply): how the
    /// server, the sync worker and `ordersync copy` start.
    static func connectApplyingSchema(_ url: String, sqlDirectory: String?, priority: SourcePriority = .standard)
        throws(OpenError) -> (PGConnection, PostgresSchema.Applied)
    {
        let connection: PGConnection
        do {
            connection = try connect(url, priority: priority)
        } catch {
            throw OpenError(description: "cannot connect to PostgreSQL: \(error)")
        }
        do {
            return (connection, try PostgresSchema.apply(try PostgresSchema.files(sqlDirectory: sqlDirectory), on: connection))
        } catch {
            throw OpenError(description: "cannot apply SQL file \(error.description)")
        }
    }

    package var acceptsWrites: Bool { writer.isRunning }
    package var writerStatistics: WriterStatistics { writer.stats }
    /// pg_database_size, read at most every 5 s and never holding a scrape long (CachedDatabaseSize.swift);
    /// no WAL figure: PostgreSQL's WAL is the whole server's, not this database's.
    package var localSizes: (database: Int, wal: Int) { (readers.databaseSizeBytes(), 0) }

    package func ingest(_ orders: [Order], source: String) throws(StoreError) -> IngestResult {
        try writer.ingest(orders, source: source)
    }

    package func record(_ event: SourceEvent) throws(StoreError) -> IngestResult {
        try writer.record(event)
    }

    /// The database's data generation (sql/postgresql/functions/data_generation.sql): it moves with
    /// every write by any instance, and is the same on all of them. One round trip.
    package func dataGeneration() throws(StoreError) -> String {
        try read { connection in
            try connection.queryCached("SELECT last_value::text FROM ordersync_data_generation").string(0, 0) ?? "0"
        }
    }

    package func close() {
        writer.close()
        readers.close()
    }

    // MARK: - Reads

    package func latest(_ filter: LatestFilter, limit: Int, row: (any LatestOrderRow) -> Void) throws(StoreError)
        -> Int
    {
        var sql = """
            SELECT order_id, order_date, order_status, order_details, updated_at, ingested_at, versions
            FROM \(projections.answersReads ? "latest_order_v" : "latest_order_scratch_v")
            WHERE order_id::text COLLATE "C" > $1
            """
        var values: [PGValue] = [.text(filter.after ?? "")]
        // ASCII case-insensitive (docs/contract.md §3): lower() under the C collation folds ASCII only.
        if let status = filter.status {
            values.append(.text(status))
            sql += " AND lower(order_status COLLATE \"C\") = lower($\(values.count)::text COLLATE \"C\")"
        }
        if let since = filter.ingestedSince {
            values.append(.text(since))
            sql += " AND ingested_at::text COLLATE \"C\" >= $\(values.count)"
        }
        values.append(.int64(Int64(limit)))
        sql += " ORDER BY order_id::text COLLATE \"C\" LIMIT $\(values.count)"
        let parameters = values
        return try read { connection in
            let result = try connection.queryCached(sql, parameters)
            let kinds = PostgresCells.kinds(of: result)
            for index in 0..<result.rowCount {
                row(PostgresLatestRow(cells: PostgresCells(result: result, row: index, kinds: kinds)))
            }
            return result.rowCount
        }
    }

    package func history(of orderID: String, limit: Int) throws(StoreError) -> OrderHistory {
        try read { connection in
            let columns = "seq, order_date, order_status, order_details, updated_at, ingested_at, source, payload"
            let newest = try versions(
                connection, "SELECT \(columns) FROM orders_raw WHERE order_id = $1 ORDER BY seq DESC LIMIT $2",
                orderID, limit)
            guard !newest.isEmpty else { return OrderHistory(latest: nil, total: 0, versions: []) }
            let total =
                try connection.queryCached("SELECT count(*) FROM orders_raw WHERE order_id = $1", [.text(orderID)])
                .int64(0, 0) ?? Int64(newest.count)
            // docs/contract.md §2: the greatest updated_at among versions that carry one, else the greatest seq.
            let latest =
                try versions(
                    connection,
                    """
                    SELECT \(columns) FROM orders_raw WHERE order_id = $1 AND updated_at IS NOT NULL
                    ORDER BY updated_at COLLATE "C" DESC, seq DESC LIMIT $2
                    """, orderID, 1
                ).first ?? newest.first
            return OrderHistory(latest: latest, total: Int(total), versions: newest.reversed())
        }
    }

    private func versions(_ connection: PGConnection, _ sql: String, _ orderID: String, _ limit: Int) throws
        -> [OrderVersion]
    {
        let result = try connection.queryCached(sql, [.text(orderID), .int64(Int64(limit))])
        return try (0..<result.rowCount).map { row in
            OrderVersion(
                seq: try result.int64(row, 0) ?? 0, orderDate: result.string(row, 1) ?? "",
                status: result.string(row, 2) ?? "", details: result.string(row, 3), updatedAt: result.string(row, 4),
                ingestedAt: result.string(row, 5) ?? "", source: result.string(row, 6) ?? "",
                payload: result.string(row, 7) ?? "null")
        }
    }

    package func viewCatalog() throws(StoreError) -> ViewCatalog { try loadedCatalog().views }

    private func loadedCatalog() throws(StoreError) -> Catalog {
        if let cached = catalog.withLock({ $0 }) { return cached }
        let loaded = try read { connection -> Catalog in
            let files = try connection.query(
                "SELECT sql, objects FROM ordersync_sql_files WHERE kind = 'views' ORDER BY file COLLATE \"C\"")
            var views: [ViewCatalog.View] = []
            var kinds: [String: [String: CellKind]] = [:]
            for file in 0..<files.rowCount {
                let header = ViewCatalog.headerComment(files.string(file, 0) ?? "")
                for name in (files.string(file, 1) ?? "").split(separator: "\n").map(String.init) {
                    let probe = try connection.query("SELECT * FROM \(PostgresSchema.quote(name)) LIMIT 0")
                    let columns = (0..<probe.columnCount).map { probe.columnName($0) }
                    kinds[name] = Dictionary(
                        zip(columns, PostgresCells.kinds(of: probe)), uniquingKeysWith: { first, _ in first })
                    let key = header.key.filter { columns.contains($0) }
                    views.append(
                        ViewCatalog.View(
                            name: name, description: header.description, columns: columns,
                            key: key.count == header.key.count ? key : []))
                }
            }
            return Catalog(views: ViewCatalog(views: views), kinds: kinds)
        }
        catalog.withLock { $0 = loaded }
        return loaded
    }

    package func openView(_ query: ViewQuery, extraRow: Bool, deadline: Double?) throws(StoreError) -> any ViewRows {
        var query = query
        // Until the projections' backfill completes, a projection-backed view is read from its
        // from-scratch twin: the same columns and rows (docs/projections.md).
        if !projections.answersReads, let twin = try viewCatalog().scratchTwin(of: query.view.name) {
            query.readFrom = twin
        }
        let kinds = try loadedCatalog().kinds[query.readFrom ?? query.view.name] ?? [:]
        let sql = PostgresViewQuery(query, kinds: kinds, extraRow: extraRow)
        let connection = try readers.acquire()
        let rows = PostgresViewRows(connection: connection, pool: readers)
        try rows.open(sql, deadline: deadline)
        return rows
    }

    /// Runs `body` on a pooled connection. A read that failed because the server went away is tried
    /// once more on a new connection: the pool's idle connections may all predate a restart.
    private func read<R>(_ body: (PGConnection) throws -> R) throws(StoreError) -> R {
        do {
            return try readers.withConnection(body)
        } catch .unavailable {
            return try readers.withConnection(body)
        }
    }
}

extension PostgresStore: CustomerExporting {
    package func exportCustomers(columns: [String]) throws(StoreError) -> (
        summary: CustomerSummary, rows: any ViewRows
    ) {
        let connection = try readers.acquire()
        let rows = PostgresViewRows(connection: connection, pool: readers)
        let quoted = columns.map(PostgresSchema.quote).joined(separator: ", ")
        // The SQLite engine's order (ReadOnlyStore.swift): NULL names last, ASCII case folded, then bytes.
        let query = PostgresViewQuery(
            text: """
                SELECT \(quoted) FROM customer_profiles_v
                ORDER BY customer_name IS NULL, lower(customer_name COLLATE "C"), customer_name COLLATE "C", email COLLATE "C"
                """)
        let summary = try rows.open(query, deadline: nil) { connection throws(PostgresError) -> CustomerSummary in
            let result = try connection.query(
                """
                SELECT count(*), round(coalesce(avg(quality_score), 0)::numeric, 1)::float8,
                       count(customer_name), coalesce(sum(email_valid), 0), coalesce(sum(phone_valid), 0),
                       count(company), count(*) FILTER (WHERE records > 1), count(*) FILTER (WHERE order_count > 0)
                FROM customer_profiles_v
                """)
            var summary = CustomerSummary()
            summary.count = Int(try result.int64(0, 0) ?? 0)
            summary.averageScore = try result.double(0, 1) ?? 0
            summary.withName = Int(try result.int64(0, 2) ?? 0)
            summary.withValidEmail = Int(try result.int64(0, 3) ?? 0)
            summary.withValidPhone = Int(try result.int64(0, 4) ?? 0)
            summary.withCompany = Int(try result.int64(0, 5) ?? 0)
            summary.mergedFromSeveralRecords = Int(try result.int64(0, 6) ?? 0)
            summary.withOrders = Int(try result.int64(0, 7) ?? 0)
            return summary
        }
        return (summary, rows)
    }
}
