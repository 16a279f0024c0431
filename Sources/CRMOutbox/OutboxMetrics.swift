package import CoreMetrics

/// Metrics of the CRM outbox workers (docs/customers.md §10): deliveries by CRM and outcome, API
/// requests, pauses, and the end-to-end latency from a change's commit to the CRM's acknowledgement.
/// The queue figures (depth, oldest age, dead letters) are read from the database at each scrape
/// (Sources/OrderAPI/OrderService+Metrics.swift). Labels come from fixed sets only.
package final class OutboxMetrics: Sendable {
    /// Settled deliveries by CRM and outcome (`delivered`, `retry`, `dead`).
    package static let deliveries = "ordersync_crm_deliveries_total"
    /// API requests sent to the CRM (token requests excluded).
    package static let requests = "ordersync_crm_requests_total"
    /// Times the CRM was paused (token refused, quota spent, a long rate-limit window) or the breaker opened.
    package static let pauses = "ordersync_crm_pauses_total"
    /// Seconds from the version's commit here to the CRM's acknowledgement (histogram).
    package static let latency = "ordersync_crm_delivery_latency_seconds"
    /// Scrape-time gauges per CRM.
    package static let pendingVersions = "ordersync_outbox_pending_versions"
    package static let pendingCustomers = "ordersync_outbox_pending_customers"
    package static let oldestPendingAge = "ordersync_outbox_oldest_pending_age_seconds"
    package static let deadLetters = "ordersync_outbox_dead_letters"

    package static let crms = ["hubspot", "salesforce"]
    package static let outcomes = ["delivered", "retry", "dead"]
    package static let latencyBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 1_800, 3_600, 86_400]

    private let deliveryCounters: [String: Counter]
    private let requestCounters: [String: Counter]
    private let pauseCounters: [String: Counter]
    private let latencyTimers: [String: Timer]

    package init(factory: any MetricsFactory) {
        var deliveries: [String: Counter] = [:]
        for crm in Self.crms {
            for outcome in Self.outcomes {
                deliveries["\(crm)|\(outcome)"] = Counter(
                    label: Self.deliveries, dimensions: [("crm", crm), ("outcome", outcome)], factory: factory)
            }
        }
        deliveryCounters = deliveries
        func each<M>(_ make: (String) -> M) -> [String: M] {
            Dictionary(uniqueKeysWithValues: Self.crms.map { ($0, make($0)) })
        }
        requestCounters = each { Counter(label: Self.requests, dimensions: [("crm", $0)], factory: factory) }
        pauseCounters = each { Counter(label: Self.pauses, dimensions: [("crm", $0)], factory: factory) }
        latencyTimers = each { Timer(label: Self.latency, dimensions: [("crm", $0)], factory: factory) }
    }

    func settled(_ crm: String, _ outcome: String, count: Int = 1) {
        if count > 0 { deliveryCounters["\(crm)|\(outcome)"]?.increment(by: count) }
    }

    func sent(_ crm: String, requests: Int) {
        if requests > 0 { requestCounters[crm]?.increment(by: requests) }
    }

    func paused(_ crm: String) { pauseCounters[crm]?.increment() }

    func delivered(_ crm: String, afterSeconds seconds: Double) {
        latencyTimers[crm]?.recordNanoseconds(Int64(max(0, seconds) * 1_000_000_000))
    }
}
