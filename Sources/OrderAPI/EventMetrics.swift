package import CoreMetrics
import OrderCore
import Storage

/// Metrics of the real-time endpoints (docs/realtime.md §4): deliveries per source by outcome, change
/// events by operation, and the lag from the change at the source to its commit here, the freshness
/// figure a real-time sync lives by. Every label value comes from a fixed set, never from a sender.
package final class EventMetrics: Sendable {
    /// Deliveries and change events by source and outcome.
    package static let events = "ordersync_source_events_total"
    /// Change events by Debezium operation.
    package static let cdcOperations = "ordersync_cdc_events_total"
    /// Seconds from the change at the source to its commit here (histogram).
    package static let lag = "ordersync_source_event_lag_seconds"

    static let sources = ["shopify", "woocommerce", "debezium", "hubspot"]
    /// What became of a request: the stored outcomes, and the refusals before anything was stored.
    static let outcomes = EventOutcome.allCases.map(\.rawValue) + ["rejected_signature", "refused", "failed"]
    static let operations = ["c", "u", "d", "r", "t", "m", "tombstone"]
    static let lagBuckets: [Double] = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1_800, 3_600, 86_400]

    private let counters: [String: Counter]
    private let operationCounters: [String: Counter]
    private let lagTimers: [String: Timer]

    /// Every series exists from the start (at 0), so a rate over the first rejection is not lost.
    package init(factory: any MetricsFactory) {
        var counters: [String: Counter] = [:]
        var lagTimers: [String: Timer] = [:]
        for source in Self.sources {
            for outcome in Self.outcomes {
                counters["\(source)|\(outcome)"] = Counter(
                    label: Self.events, dimensions: [("source", source), ("outcome", outcome)], factory: factory)
            }
            lagTimers[source] = Timer(label: Self.lag, dimensions: [("source", source)], factory: factory)
        }
        self.counters = counters
        self.lagTimers = lagTimers
        operationCounters = Dictionary(
            uniqueKeysWithValues: Self.operations.map {
                ($0, Counter(label: Self.cdcOperations, dimensions: [("op", $0)], factory: factory))
            })
    }

    /// One request of `source` ended with `outcome` (one of `outcomes`).
    func count(_ source: String, _ outcome: String) {
        counters["\(source)|\(outcome)"]?.increment()
    }

    /// One change event of Debezium's operation `op` (`tombstone` for a null body).
    func countOperation(_ op: String) {
        operationCounters[op]?.increment()
    }

    /// A stored event that happened at `eventTime` (UTC text) was committed at `now`.
    func observeLag(_ source: String, eventTime: String?, now: Timestamp) {
        guard let eventTime, let happened = Timestamp(rfc3339: eventTime) else { return }
        let milliseconds = now.millisecondsSinceEpoch - happened.millisecondsSinceEpoch
        lagTimers[source]?.recordNanoseconds(max(0, milliseconds) * 1_000_000)
    }
}
