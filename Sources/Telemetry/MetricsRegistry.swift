package import CoreMetrics
import Prometheus

/// One Prometheus registry and the swift-metrics factory bound to it: handles made through `factory`
/// count here and nowhere else, and `exposition()` renders them all for `GET /metrics`.
///
/// A registry is an object passed in, not a global: `MetricsSystem.bootstrap` may run once per
/// process, but the tests run many services in one process and each must count only its own
/// requests. The executable makes one registry, hands it to the service and the store, and also
/// bootstraps the global system with its factory (for any library code recording through
/// `MetricsSystem`); tests make one per server and never bootstrap.
package final class MetricsRegistry: Sendable {
    /// The media type of the text exposition format 0.0.4 (what Prometheus asks for and parses).
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let registry = PrometheusCollectorRegistry()
    /// Makes swift-metrics handles in this registry, with the help and buckets of their descriptions.
    package let factory: any MetricsFactory
    /// Every described family, in the order given.
    package let descriptions: [MetricDescription]

    /// A registry whose families take help texts and buckets from `descriptions` (the first wins when
    /// a name repeats).
    package init(descriptions: [MetricDescription]) {
        self.descriptions = descriptions
        let table = Dictionary(descriptions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        factory = DescribedMetricsFactory(registry: registry, descriptions: table)
    }

    /// Every family with at least one series, in the Prometheus text format 0.0.4.
    package func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1_024)
        registry.emit(into: &buffer)
        return buffer
    }
}
