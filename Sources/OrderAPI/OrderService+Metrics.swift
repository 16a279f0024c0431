import HTTPServer
import Storage
import Telemetry

/// `GET /metrics`: the registry in the Prometheus text format, after the gauges that are read rather
/// than counted (connections, database sizes, process figures) were set.
extension OrderService {
    func metrics() -> HTTPResponse {
        scrapeGauges.update(
            connections: connectionFigures, requestMemory: requestMemory, files: store.localSizes,
            process: ProcessStatistics.read())
        outboxGauges.update(store: configuration.customers.store, crms: configuration.customers.crms)
        var response = HTTPResponse(
            status: 200, contentType: MetricsRegistry.contentType, body: metricsRegistry.exposition())
        response.headers.add("Cache-Control", "no-store")
        return response
    }
}
