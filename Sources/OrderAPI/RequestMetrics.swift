package import CoreMetrics
import Synchronization

/// Per-request HTTP metrics: count by method, route and status; duration by method and route; body
/// bytes by route.
///
/// Labels are bounded: routes are the router's patterns (never raw paths) plus `unmatched`, methods
/// outside RFC 9110's set (and PATCH) are `other`, and statuses are what the server sends. Handles are
/// made once per label set and kept here, so a request costs one dictionary lookup under an
/// uncontended lock plus the updates themselves, not a registry lookup (name checks, string hashing
/// and the registry's lock) for each of its four series.
package final class RequestMetrics: Sendable {
    /// Methods counted under their own name; any other is `other`.
    package static let methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"]
    /// The label of every method outside `methods` (and of a request whose head could not be parsed).
    package static let otherMethod = "other"
    /// The route label of a request no route pattern matched (or whose head could not be parsed).
    package static let unmatchedRoute = "unmatched"

    /// The handles of one (method, route, status).
    struct Series: Sendable {
        let requests: Counter
        let duration: Timer
        let requestBytes: Counter
        let responseBytes: Counter
    }

    /// Route labels: the router's patterns by index, then `unmatched`.
    package let routes: [String]
    private let factory: any MetricsFactory
    private let series = Mutex<[Int: Series]>([:])

    /// Metrics over the router's `patterns`, with handles made by `factory`.
    package init(routes: [String], factory: any MetricsFactory) {
        self.routes = routes + [RequestMetrics.unmatchedRoute]
        self.factory = factory
    }

    /// Counts one exchange. `route` is an index into the router's patterns, nil when none matched.
    package func record(
        method: String?, route: Int?, status: Int, requestBytes: Int, responseBytes: Int, seconds: Double
    ) {
        let methodIndex = method.flatMap { RequestMetrics.methods.firstIndex(of: $0) } ?? RequestMetrics.methods.count
        let routeIndex = route.map { min($0, routes.count - 1) } ?? routes.count - 1
        // Statuses are three digits (RFC 9110 §15); anything else would share the label "0".
        let statusKey = (100...999).contains(status) ? status : 0
        let key = (routeIndex * 16 + methodIndex) * 1_000 + statusKey
        let handles =
            series.withLock { $0[key] }
            ?? makeSeries(key: key, methodIndex: methodIndex, routeIndex: routeIndex, status: statusKey)
        handles.requests.increment()
        handles.duration.recordNanoseconds(Int64((max(seconds, 0) * 1e9).rounded()))
        if requestBytes > 0 { handles.requestBytes.increment(by: requestBytes) }
        if responseBytes > 0 { handles.responseBytes.increment(by: responseBytes) }
    }

    /// Creates (through the registry, which returns existing handles for known label sets) and keeps
    /// the handles of a label set seen for the first time.
    private func makeSeries(key: Int, methodIndex: Int, routeIndex: Int, status: Int) -> Series {
        let method =
            methodIndex < RequestMetrics.methods.count
            ? RequestMetrics.methods[methodIndex] : RequestMetrics.otherMethod
        let route = routes[routeIndex]
        let made = Series(
            requests: Counter(
                label: MetricCatalog.httpRequests,
                dimensions: [("method", method), ("route", route), ("status", String(status))], factory: factory),
            duration: Timer(
                label: MetricCatalog.httpDuration, dimensions: [("method", method), ("route", route)],
                factory: factory),
            requestBytes: Counter(
                label: MetricCatalog.httpRequestBytes, dimensions: [("route", route)], factory: factory),
            responseBytes: Counter(
                label: MetricCatalog.httpResponseBytes, dimensions: [("route", route)], factory: factory))
        return series.withLock { cached in
            if let existing = cached[key] { return existing }
            cached[key] = made
            return made
        }
    }
}
