package import Storage
package import OrderCore
import SQLite
package import Storage
import Synchronization

/// The SQLite engine behind the storage boundary (docs/storage.md): every read on a pooled reader,
/// every write through the writer's group commit.
extension OrderStore: OrderDatabase, PooledReads {
    package var engine: String { "sqlite" }

    package var acceptsWrites: Bool { writer.isRunning }

    package var writerStatistics: WriterStatistics { writer.stats }

    package func ingest(_ orders: [Order], source: String) throws(StoreError) -> IngestResult {
        try writer.ingest(orders, source: source)
    }

    package func record(_ event: SourceEvent) throws(StoreError) -> IngestResult {
        try writer.record(event)
    }

    package func dataGeneration() throws(StoreError) -> String { try generation.current() }

    package var localSizes: (database: Int, wal: Int) { fileSizes }

    var latestSource: OrderQueries.LatestSource { .for(projections) }
    var answersReads: Bool { projections.answersReads }
}

/// The reads both SQLite stores share (the server's OrderStore, the tools' ReadOnlyStore): pooled
/// read-only connections, the catalog read once, and the from-scratch views while the projections'
/// backfill runs (docs/projections.md).
protocol PooledReads: OrderReading {
    var readers: ReaderPool { get }
    var catalog: CatalogCache { get }
    /// What `GET /` reads now.
    var latestSource: OrderQueries.LatestSource { get }
    /// True when the projection-backed views answer (else their twins do).
    var answersReads: Bool { get }
}

extension PooledReads {
    package func latest(_ filter: LatestFilter, limit: Int, row: (any LatestOrderRow) -> Void) throws(StoreError)
        -> Int
    {
        let source = latestSource
        return try read { connection in
            try OrderQueries.latest(connection, filter: filter, source: source, limit: limit) { statement in
                row(StatementLatestRow(statement: statement))
            }
        }
    }

    package func history(of orderID: String, limit: Int) throws(StoreError) -> OrderHistory {
        try read { try OrderQueries.history($0, orderID: orderID, limit: limit) }
    }

    package func viewCatalog() throws(StoreError) -> ViewCatalog {
        if let cached = catalog.cached { return cached }
        let loaded = try read { try ViewCatalog.load($0) }
        catalog.cached = loaded
        return loaded
    }

    package func openView(_ query: ViewQuery, extraRow: Bool, deadline: Double?) throws(StoreError) -> any ViewRows {
        var query = query
        // Until the projections' backfill completes, a projection-backed view is read from its
        // from-scratch twin: the same columns and rows (docs/projections.md).
        if !answersReads, let twin = try viewCatalog().scratchTwin(of: query.view.name) {
            query.readFrom = twin
        }
        do {
            let lease = try readers.lease()
            lease.connection.setDeadline(deadline)
            return StatementViewRows(lease: lease, statement: try query.prepare(lease.connection, extraRow: extraRow))
        } catch {
            throw StoreError.from(error)
        }
    }

    /// Runs `body` on a pooled reader, its errors as store errors.
    func read<R>(_ body: (Connection) throws -> R) throws(StoreError) -> R {
        do {
            return try readers.withReader(body)
        } catch {
            throw StoreError.from(error)
        }
    }
}

/// A `GET /` row of OrderQueries.latest's statement: the fields in `LatestField`'s order, then versions.
struct StatementLatestRow: LatestOrderRow {
    let statement: Statement

    func withText<R>(_ field: LatestField, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        let column: Int32 =
            switch field {
            case .orderID: 0
            case .orderDate: 1
            case .status: 2
            case .details: 3
            case .updatedAt: 4
            case .ingestedAt: 5
            }
        return statement.withText(column, body)
    }

    var versions: Int64 { statement.int64(6) }
}

/// The cells of a statement's current row, numbered as its result columns (`SELECT *` of a view:
/// the view's columns).
protocol StatementCells: RowCells {
    var statement: Statement { get }
}

extension StatementCells {
    func kind(_ cell: Int) -> CellKind {
        switch statement.columnType(Int32(cell)) {
        case .null: .null
        case .integer: .integer
        case .float: .real
        case .text, .blob: .text
        }
    }

    func int64(_ cell: Int) -> Int64 { statement.int64(Int32(cell)) }
    func double(_ cell: Int) -> Double { statement.double(Int32(cell)) }
    func withText<R>(_ cell: Int, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        statement.withText(Int32(cell), body)
    }
}

/// A view query stepping on a leased reader. The statement is reset (ending its read transaction)
/// before the reader goes back, whatever way the response ends.
final class StatementViewRows: ViewRows, StatementCells, @unchecked Sendable {
    // @unchecked Sendable: used by one thread at a time: the handler, then the response writer.
    let statement: Statement
    private let lease: ReaderLease
    /// The caller began a transaction on the lease (one snapshot for several reads): end it too.
    private let endsTransaction: Bool
    private var finished = false

    init(lease: ReaderLease, statement: Statement, endsTransaction: Bool = false) {
        self.lease = lease
        self.statement = statement
        self.endsTransaction = endsTransaction
    }

    func step() throws(StoreError) -> Bool {
        do {
            return try statement.step()
        } catch {
            throw StoreError(error)
        }
    }

    func setDeadline(_ deadline: Double?) { lease.connection.setDeadline(deadline) }

    func finish() {
        guard !finished else { return }
        finished = true
        statement.reset()
        if endsTransaction { lease.connection.rollbackQuietly() }
        lease.release()
    }

    deinit { finish() }
}

/// The view catalog, loaded on first use: the views are those the SQL files created at open.
final class CatalogCache: Sendable {
    private let value = Mutex<ViewCatalog?>(nil)

    var cached: ViewCatalog? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
