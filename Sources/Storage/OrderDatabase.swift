package import OrderCore

/// The reads of the order API, whatever the engine (docs/storage.md). Until the
/// projections' backfill completes, an engine answers from the from-scratch definitions
/// (docs/projections.md): callers never choose.
package protocol OrderReading: AnyObject, Sendable {
    /// Up to `limit` rows of the latest versions that match `filter`, in order_id order; `row` is called
    /// for each while the read is open. Returns the number of rows read.
    func latest(_ filter: LatestFilter, limit: Int, row: (any LatestOrderRow) -> Void) throws(StoreError) -> Int
    /// The history of `orderID`, bounded to its newest `limit` versions.
    func history(of orderID: String, limit: Int) throws(StoreError) -> OrderHistory
    /// The views of `sql/views/`, their columns and keys.
    func viewCatalog() throws(StoreError) -> ViewCatalog
    /// Starts reading a view (`extraRow`: one row past `limit`, to tell whether another page follows).
    /// The connection stays lent to the returned rows until they are finished.
    func openView(_ query: ViewQuery, extraRow: Bool, deadline: Double?) throws(StoreError) -> any ViewRows
}

extension OrderReading {
    package func history(of orderID: String) throws(StoreError) -> OrderHistory {
        try history(of: orderID, limit: 1_000)
    }
}

/// The service's database: the reads, and the writer with group commit behind `POST /`.
package protocol OrderDatabase: OrderReading {
    /// "sqlite" or "postgresql": for `/metrics`, `/readyz` and the log.
    var engine: String { get }
    /// The views the SQL files created, in file order.
    var views: [String] { get }
    /// The migrations this open applied, in order (none when the database had them all).
    var appliedMigrations: [String] { get }
    /// Whether the projections answer reads yet, and the backfill's progress.
    var projections: ProjectionStatus { get }
    /// False once the writer stopped (closed, or failed beyond repair): `/readyz` says so.
    var acceptsWrites: Bool { get }
    /// The writer's counters since it started.
    var writerStatistics: WriterStatistics { get }
    /// Stores a batch atomically; returns once it is committed and durable.
    func ingest(_ orders: [Order], source: String) throws(StoreError) -> IngestResult
    /// Stores a source event and what it produced in one transaction (group commit like `ingest`); a
    /// duplicate stores nothing. Returns once it is committed and durable.
    func record(_ event: SourceEvent) throws(StoreError) -> IngestResult
    /// Changes whenever the data may have changed, in this process or another (HTTP validators).
    func dataGeneration() throws(StoreError) -> String
    /// Bytes the engine keeps on this machine, for `/metrics` (0 when it keeps none here).
    var localSizes: (database: Int, wal: Int) { get }
    /// Commits what was queued and closes every connection.
    func close()
}

/// What the sync worker stores: provider records and synced orders page by page, connector
/// positions, and its runs (docs/contract.md §5).
package protocol SyncStorage: AnyObject {
    func state(of connector: String) throws(StoreError) -> ConnectorState
    /// Stores one page and the connector's position after it, atomically.
    func storePage(
        connector: String, records: [SourceRecord], orders: [Order], state: ConnectorState, runID: Int64
    ) throws(StoreError) -> PageResult
    func saveState(_ state: ConnectorState, of connector: String) throws(StoreError)
    func beginRun(trigger: String, scheduleTime: String?) throws(StoreError) -> Int64
    func finishRun(_ runID: Int64, succeeded: Bool, summary: String) throws(StoreError)
    /// The summary of the run that succeeded for this Cloud Scheduler slot, if one did.
    func succeededSummary(scheduleTime: String) throws(StoreError) -> String?
    /// Synced orders whose customer matched a CRM contact, and those that did not.
    func mergeCounts() throws(StoreError) -> (merged: Int, unmatched: Int)
}

/// `ordersync export customers`: the deduplicated customer profiles (customer_profiles_v) and a
/// summary of them, read in one snapshot so the two agree.
package protocol CustomerExporting {
    /// The summary, and the profiles (the given columns, sorted by name, then email).
    func exportCustomers(columns: [String]) throws(StoreError) -> (summary: CustomerSummary, rows: any ViewRows)
}

/// What share of the customer profiles has each field (the export's metadata header).
package struct CustomerSummary: Sendable, Equatable {
    package var count = 0
    package var averageScore = 0.0
    package var withName = 0
    package var withValidEmail = 0
    package var withValidPhone = 0
    package var withCompany = 0
    package var mergedFromSeveralRecords = 0
    package var withOrders = 0

    package init() {}
}
