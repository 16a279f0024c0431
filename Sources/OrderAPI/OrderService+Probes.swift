import HTTPServer
import OrderStore

/// `/readyz` and `/metrics`.
extension OrderService {
    func readiness() -> HTTPResponse {
        if isDraining {
            var problem = Problem(status: 503, detail: "shutting down")
            problem.headers = [("Retry-After", "1")]
            return problem.response
        }
        guard store.writer.isRunning else {
            return Problem(status: 503, detail: "the database writer is not running").response
        }
        return OrderService.json(200, "{\"status\":\"ready\"}")
    }

    /// Prometheus text exposition (format 0.0.4).
    func metrics() -> HTTPResponse {
        let stats = store.writer.stats
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(String, String)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for (labels, value) in samples { lines.append("\(name)\(labels) \(value)") }
        }
        metric(
            "ordersync_sqlite_commits_total", "counter", "SQLite write transactions committed (one fsync each).",
            [("", "\(stats.commits)")])
        metric("ordersync_ingest_batches_total", "counter", "POST / batches committed.", [("", "\(stats.batches)")])
        metric(
            "ordersync_ingest_failed_batches_total", "counter", "Batches the store refused.",
            [("", "\(stats.failedBatches)")])
        metric("ordersync_orders_inserted_total", "counter", "Order versions stored.", [("", "\(stats.inserted)")])
        metric(
            "ordersync_orders_unchanged_total", "counter", "Order versions skipped as already stored.",
            [("", "\(stats.unchanged)")])
        metric(
            "ordersync_sqlite_commit_seconds_total", "counter", "Time spent in write transactions.",
            [("", "\(stats.commitSeconds)")])
        metric("ordersync_http_open_connections", "gauge", "Open client connections.", [("", "\(openConnections)")])
        let responses = counters.snapshot.sorted { $0.key < $1.key }.map { ("{status=\"\($0.key)\"}", "\($0.value)") }
        metric("ordersync_http_responses_total", "counter", "Responses by status code.", responses)
        var response = HTTPResponse(
            status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8",
            body: Array((lines.joined(separator: "\n") + "\n").utf8))
        response.headers.add("Cache-Control", "no-store")
        return response
    }
}
