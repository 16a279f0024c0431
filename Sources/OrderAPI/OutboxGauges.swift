import CoreMetrics
import CRMOutbox
import OrderCore
import Storage
import Threads

/// The outbox's queue per CRM, read from the database at each scrape (docs/customers.md §4): waiting
/// versions and customers, the oldest one's age, dead letters. A store that cannot answer leaves the
/// last values.
final class OutboxGauges: Sendable {
    private let gauges: [String: (versions: Gauge, customers: Gauge, age: Gauge, dead: Gauge)]

    init(factory: any MetricsFactory) {
        var gauges: [String: (Gauge, Gauge, Gauge, Gauge)] = [:]
        for crm in OutboxMetrics.crms {
            let dimensions = [("crm", crm)]
            gauges[crm] = (
                Gauge(label: OutboxMetrics.pendingVersions, dimensions: dimensions, factory: factory),
                Gauge(label: OutboxMetrics.pendingCustomers, dimensions: dimensions, factory: factory),
                Gauge(label: OutboxMetrics.oldestPendingAge, dimensions: dimensions, factory: factory),
                Gauge(label: OutboxMetrics.deadLetters, dimensions: dimensions, factory: factory)
            )
        }
        self.gauges = gauges
    }

    func update(store: (any CustomerStorage)?, crms: [String]) {
        guard let store, !crms.isEmpty else { return }
        let now = Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds())
        guard let depths = try? store.outboxStatus(now: now.millisecondsText) else { return }
        for crm in OutboxMetrics.crms where crms.contains(crm) {
            guard let gauge = gauges[crm] else { continue }
            let depth = depths.first { $0.crm == crm }
            gauge.versions.record(depth?.pendingVersions ?? 0)
            gauge.customers.record(depth?.pendingCustomers ?? 0)
            gauge.dead.record(depth?.dead ?? 0)
            let oldest = depth?.oldestPendingAt.flatMap(Timestamp.init(rfc3339:))
            let age = oldest.map { Double(max(0, now.millisecondsSinceEpoch - $0.millisecondsSinceEpoch)) / 1_000 } ?? 0
            gauge.age.record(age)
        }
    }
}
