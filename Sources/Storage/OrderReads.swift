/// Filters of `GET /` (docs/contract.md §3).
package struct LatestFilter: Sendable, Equatable {
    /// Only orders whose order_id sorts after this (the paging cursor).
    package var after: String?
    /// Only orders whose latest status is this, ignoring ASCII case.
    package var status: String?
    /// Only orders whose latest version was ingested at or after this (UTC ms text).
    package var ingestedSince: String?

    package init(after: String? = nil, status: String? = nil, ingestedSince: String? = nil) {
        self.after = after
        self.status = status
        self.ingestedSince = ingestedSince
    }
}

/// One row of `GET /`, as values (tests and tools; the API writes rows in place: `LatestOrderRow`).
package struct LatestOrder: Sendable, Equatable {
    package var orderID: String
    package var orderDate: String
    package var status: String
    package var details: String?
    package var updatedAt: String?
    package var ingestedAt: String
    package var versions: Int64

    package init(_ row: some LatestOrderRow) {
        orderID = row.string(.orderID) ?? ""
        orderDate = row.string(.orderDate) ?? ""
        status = row.string(.status) ?? ""
        details = row.string(.details)
        updatedAt = row.string(.updatedAt)
        ingestedAt = row.string(.ingestedAt) ?? ""
        versions = row.versions
    }
}

/// One stored version of an order, in arrival order.
package struct OrderVersion: Sendable, Equatable {
    package var seq: Int64
    package var orderDate: String
    package var status: String
    package var details: String?
    package var updatedAt: String?
    package var ingestedAt: String
    package var source: String
    /// Canonical JSON text.
    package var payload: String

    package init(
        seq: Int64, orderDate: String, status: String, details: String?, updatedAt: String?, ingestedAt: String,
        source: String, payload: String
    ) {
        self.seq = seq
        self.orderDate = orderDate
        self.status = status
        self.details = details
        self.updatedAt = updatedAt
        self.ingestedAt = ingestedAt
        self.source = source
        self.payload = payload
    }
}

/// One order: its latest version, how many versions exist, and the newest of them in arrival order.
package struct OrderHistory: Sendable {
    /// The latest version by the docs/contract.md §2 rule; nil when the order is unknown.
    package var latest: OrderVersion?
    /// Every stored version, counted.
    package var total: Int
    /// The newest `limit` versions, oldest first.
    package var versions: [OrderVersion]

    package init(latest: OrderVersion?, total: Int, versions: [OrderVersion]) {
        self.latest = latest
        self.total = total
        self.versions = versions
    }
}
