import CoreMetrics
import HTTPServer

/// Connections the server refused with a 503 before reading a request, by reason (`ConnectionRefusal`:
/// the connection cap, the per-client cap, no thread).
struct ConnectionMetrics: Sendable {
    private let refusals: [ConnectionRefusal: Counter]

    /// Every reason at 0 from the start, so a rate over the first refusal is not lost.
    init(factory: any MetricsFactory) {
        var refusals: [ConnectionRefusal: Counter] = [:]
        for reason in ConnectionRefusal.allCases {
            refusals[reason] = Counter(
                label: MetricCatalog.refusedConnections, dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        self.refusals = refusals
    }

    func refused(_ reason: ConnectionRefusal) {
        refusals[reason]?.increment()
    }
}
