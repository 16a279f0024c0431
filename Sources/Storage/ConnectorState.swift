/// Where a connector stands (a row of `sync_state`): saved with each page, in the page's transaction.
package struct ConnectorState: Sendable, Equatable {
    /// Provider time up to which every record is stored; the next run asks from here (inclusive).
    package var cursor: String?
    /// The position of an unfinished run (the connector's own JSON), or nil when the last run finished.
    package var resume: String?
    /// The greatest provider time the unfinished run stored; it becomes `cursor` when the run ends.
    package var highWater: String?

    package init(cursor: String? = nil, resume: String? = nil, highWater: String? = nil) {
        self.cursor = cursor
        self.resume = resume
        self.highWater = highWater
    }
}

/// What storing one page did.
package struct PageResult: Sendable, Equatable {
    /// Records appended to `source_records`.
    package var inserted = 0
    /// Records whose content was already stored (not appended again).
    package var unchanged = 0
    /// Orders appended to `orders_raw` (Shopify pages).
    package var ordersInserted = 0

    package init() {}
}
