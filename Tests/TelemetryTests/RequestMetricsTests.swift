import OrderAPI
import Telemetry
import Testing

@Suite struct RequestMetricsTests {
    private let registry = MetricCatalog.makeRegistry()

    private func metrics() -> RequestMetrics {
        RequestMetrics(routes: ["/", "/orders/{order_id}"], factory: registry.factory)
    }

    @Test func countsByMethodRouteAndStatus() {
        let requests = metrics()
        for _ in 0..<3 {
            requests.record(method: "GET", route: 1, status: 200, requestBytes: 0, responseBytes: 10, seconds: 0.002)
        }
        requests.record(method: "GET", route: 1, status: 404, requestBytes: 0, responseBytes: 5, seconds: 0.001)
        requests.record(method: "POST", route: 0, status: 200, requestBytes: 100, responseBytes: 30, seconds: 0.2)
        let text = Exposition(registry.exposition())
        #expect(
            text.value(#"ordersync_http_requests_total{method="GET",route="/orders/{order_id}",status="200"}"#) == 3)
        #expect(
            text.value(#"ordersync_http_requests_total{method="GET",route="/orders/{order_id}",status="404"}"#) == 1)
        #expect(text.value(#"ordersync_http_requests_total{method="POST",route="/",status="200"}"#) == 1)
        #expect(
            text.value(#"ordersync_http_request_duration_seconds_count{method="GET",route="/orders/{order_id}"}"#) == 4)
        #expect(
            text.value(
                #"ordersync_http_request_duration_seconds_bucket{method="GET",route="/orders/{order_id}",le="0.001"}"#)
                == 1)
        #expect(text.value(#"ordersync_http_request_duration_seconds_bucket{method="POST",route="/",le="0.1"}"#) == 0)
        #expect(text.value(#"ordersync_http_request_duration_seconds_bucket{method="POST",route="/",le="0.25"}"#) == 1)
        #expect(text.value(#"ordersync_http_response_body_bytes_total{route="/orders/{order_id}"}"#) == 35)
        #expect(text.value(#"ordersync_http_request_body_bytes_total{route="/"}"#) == 100)
        #expect(text.value(#"ordersync_http_response_body_bytes_total{route="/"}"#) == 30)
    }

    @Test func unknownMethodsAndUnmatchedRoutesShareBoundedLabels() {
        let requests = metrics()
        requests.record(method: "BREW", route: nil, status: 404, requestBytes: 0, responseBytes: 1, seconds: 0)
        requests.record(method: "PROPFIND", route: nil, status: 404, requestBytes: 0, responseBytes: 1, seconds: 0)
        requests.record(method: nil, route: nil, status: 400, requestBytes: 0, responseBytes: 1, seconds: 0)
        let text = Exposition(registry.exposition())
        #expect(text.value(#"ordersync_http_requests_total{method="other",route="unmatched",status="404"}"#) == 2)
        #expect(text.value(#"ordersync_http_requests_total{method="other",route="unmatched",status="400"}"#) == 1)
        #expect(text.samples("ordersync_http_requests_total").count == 2)
    }

    @Test func twoServicesOnOneRegistryShareTheirSeries() {
        // The registry hands out the existing handle for a known label set, so a second cache over
        // the same registry adds to the same series instead of registering a duplicate.
        let first = metrics()
        let second = metrics()
        first.record(method: "GET", route: 0, status: 200, requestBytes: 0, responseBytes: 0, seconds: 0)
        second.record(method: "GET", route: 0, status: 200, requestBytes: 0, responseBytes: 0, seconds: 0)
        let text = Exposition(registry.exposition())
        #expect(text.value(#"ordersync_http_requests_total{method="GET",route="/",status="200"}"#) == 2)
    }
}
