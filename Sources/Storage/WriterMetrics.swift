package import CoreMetrics

/// What the writer reports through swift-metrics: orders stored and skipped, refused batches, and the
/// group commit at work (how long each commit took, how many rows and requests it carried).
///
/// The names are the Prometheus names; the service's metric catalogue gives their help texts.
package struct WriterMetrics: Sendable {
    /// Order versions stored.
    package static let ordersInserted = "ordersync_orders_inserted_total"
    /// Order versions skipped as already stored.
    package static let ordersUnchanged = "ordersync_orders_unchanged_total"
    /// Batches that could not be committed.
    package static let failedBatches = "ordersync_ingest_failed_batches_total"
    /// Seconds per committed transaction (histogram).
    package static let commitDuration = "ordersync_sqlite_commit_duration_seconds"
    /// Rows inserted per committed transaction (histogram).
    package static let commitRows = "ordersync_sqlite_commit_rows"
    /// Batches per committed transaction (histogram).
    package static let commitBatches = "ordersync_sqlite_commit_batches"

    let inserted: Counter
    let unchanged: Counter
    let failed: Counter
    let duration: Timer
    let rows: Recorder
    let batches: Recorder

    /// Handles from `factory` (the process-wide `MetricsSystem.factory` unless the caller gives one).
    package init(factory: any MetricsFactory = MetricsSystem.factory) {
        inserted = Counter(label: Self.ordersInserted, factory: factory)
        unchanged = Counter(label: Self.ordersUnchanged, factory: factory)
        failed = Counter(label: Self.failedBatches, factory: factory)
        duration = Timer(label: Self.commitDuration, dimensions: [], factory: factory)
        rows = Recorder(label: Self.commitRows, dimensions: [], aggregate: true, factory: factory)
        batches = Recorder(label: Self.commitBatches, dimensions: [], aggregate: true, factory: factory)
    }

    /// One committed transaction: its duration, the rows it inserted and the batches (requests) in it.
    package func committed(seconds: Double, rows inserted: Int, batches count: Int) {
        duration.recordNanoseconds(Int64((seconds * 1e9).rounded()))
        rows.record(inserted)
        batches.record(count)
    }

    /// One batch's outcome, counted once it is final (after any per-batch retry).
    package func finished(_ result: Result<IngestResult, StoreError>) {
        switch result {
        case .success(let result):
            if result.inserted > 0 { inserted.increment(by: result.inserted) }
            if result.unchanged > 0 { unchanged.increment(by: result.unchanged) }
        case .failure:
            failed.increment()
        }
    }
}
