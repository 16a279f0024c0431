/// What one `POST /` batch did: rows stored, and versions skipped because they were already there.
package struct IngestResult: Sendable, Equatable {
    package var inserted: Int
    package var unchanged: Int
    /// For a source event (`OrderDatabase.record`): what became of it; nil for a plain batch.
    package var event: EventOutcome?

    package init(inserted: Int = 0, unchanged: Int = 0, event: EventOutcome? = nil) {
        self.inserted = inserted
        self.unchanged = unchanged
        self.event = event
    }
}

/// Counters of the writer since it started, for `/metrics` and the benchmark.
package struct WriterStatistics: Sendable {
    /// Transactions committed (each one fsync with `synchronous=FULL`).
    package var commits: Int = 0
    /// Batches (requests) those commits carried.
    package var batches: Int = 0
    /// Rows inserted.
    package var inserted: Int = 0
    /// Versions skipped as unchanged.
    package var unchanged: Int = 0
    /// Batches that failed.
    package var failedBatches: Int = 0
    /// Total seconds spent in commits (BEGIN to COMMIT).
    package var commitSeconds: Double = 0

    package init() {}
}
