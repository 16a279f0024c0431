import Foundation
import OrderAPI
import Telemetry
import Testing

/// `/metrics` over a real socket, parsed by the reference Python parser (prometheus_client): every
/// family of the catalogue with its type, help and labels; route labels are patterns; counts move as
/// the requests made.
@Suite(.serialized) struct MetricsTests {
    private static let token = "metrics-token"

    /// A sync runner that answers as the worker would after a run with one failing connector.
    private struct FakeSync: SyncRunning {
        func run(_ trigger: SyncTrigger) -> SyncOutcome {
            let summary = """
                {"run_id":7,"status":"failed","trigger":"http","started_at":"2025-08-08T10:00:00.000Z",
                 "duration_seconds":1.5,"connectors":{
                   "shopify":{"status":"succeeded","fetched":4,"pages":1,"requests":1,"inserted":3,"unchanged":1,
                              "retries":2,"invalid":0,"orders_inserted":3,"resumed":false},
                   "zoho":{"status":"failed","fetched":0,"pages":0,"requests":5,"inserted":0,"unchanged":0,
                           "retries":4,"invalid":0,"orders_inserted":0,"resumed":false}},
                 "totals":{"fetched":4,"pages":1,"requests":6,"inserted":3,"unchanged":1,"retries":6},
                 "merged_orders":3,"unmatched_orders":0,
                 "errors":[{"connector":"zoho","path":"/crm/v2/Contacts","status":500,"attempts":5,"message":"HTTP 500"}]}
                """
            return .exited(status: 3, output: Array(summary.utf8))
        }
    }

    /// One parsed scrape.
    private struct Scrape {
        let status: Int
        let contentType: String
        let families: [String: [String: Any]]

        /// The family of a metric as the parser names it (counters lose `_total`).
        func family(_ name: String) -> [String: Any]? {
            families[name.hasSuffix("_total") ? String(name.dropLast("_total".count)) : name]
        }

        func samples(_ name: String) -> [(name: String, labels: [String: String], value: Double)] {
            let raw = family(name)?["samples"] as? [[String: Any]] ?? []
            return raw.map {
                (
                    ($0["name"] as? String) ?? "", ($0["labels"] as? [String: String]) ?? [:],
                    ($0["value"] as? Double) ?? .nan
                )
            }
        }

        /// The value of the sample `sample` with exactly `labels` (0 when absent).
        func value(_ name: String, sample: String? = nil, _ labels: [String: String] = [:]) -> Double {
            samples(name).first { $0.name == (sample ?? name) && $0.labels == labels }?.value ?? 0
        }
    }

    private func scrape(_ server: TestServer, token: String? = MetricsTests.token) throws -> Scrape {
        let result = try runProgram(
            Repository.root + "/Tests/metrics/scrape-metrics", ["\(server.baseURL.absoluteString)/metrics"],
            environment: token.map { ["AUTH_TOKEN": $0] } ?? ["AUTH_TOKEN": ""], includeErrors: false)
        try #require(result.status == 0, "scrape-metrics failed: \(result.output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        return Scrape(
            status: json["status"] as? Int ?? 0, contentType: json["content_type"] as? String ?? "",
            families: json["families"] as? [String: [String: Any]] ?? [:])
    }

    private func send(_ client: RawClient, _ request: String) throws -> Int {
        try client.send(request)
        return try client.readResponse().status
    }

    private let auth = "Authorization: Bearer \(MetricsTests.token)"

    @Test func everyFamilyIsExposedWithPatternLabelsAndCountsThatMove() throws {
        let server = try TestServer(api: {
            $0.authToken = MetricsTests.token
            $0.syncRunner = FakeSync()
        })
        let client = try RawClient(port: server.port)
        #expect(try send(client, Request.post(Orders.batch(["123", "456"]), headers: [auth])) == 200)
        #expect(try send(client, Request.post(Orders.batch(["123", "456"]), headers: [auth])) == 200)
        #expect(try send(client, Request.get("/orders/123", headers: [auth])) == 200)
        #expect(try send(client, Request.get("/orders/456", headers: [auth])) == 200)
        #expect(try send(client, Request.get("/orders/789", headers: [auth])) == 404)
        #expect(try send(client, Request.get("/no/such/path", headers: [auth])) == 404)
        #expect(try send(client, Request.get("/views/latest_order_v", headers: [auth])) == 200)
        #expect(try send(client, "BREW /orders/123 HTTP/1.1\r\nHost: test\r\n\(auth)\r\n\r\n") == 405)
        #expect(try send(client, Request.post("", path: "/sync", headers: [auth])) == 502)

        let unauthorized = try scrape(server, token: nil)
        #expect(unauthorized.status == 401)

        let first = try scrape(server)
        #expect(first.status == 200)
        #expect(first.contentType.hasPrefix("text/plain; version=0.0.4"))
        for metric in MetricCatalog.all {
            let family = first.family(metric.name)
            #expect(family != nil, "no family \(metric.name)")
            guard let family else { continue }
            #expect(family["type"] as? String == metric.kind.rawValue, "\(metric.name)")
            #expect(family["help"] as? String == metric.help, "\(metric.name)")
            for sample in first.samples(metric.name) {
                #expect(Set(sample.labels.keys).subtracting(["le"]) == Set(metric.labels), "\(metric.name)")
            }
        }

        // Route labels are patterns: two order ids, one series; no raw path anywhere.
        let requests = "ordersync_http_requests_total"
        let orderGets = ["method": "GET", "route": "/orders/{order_id}", "status": "200"]
        #expect(first.value(requests, orderGets) == 2)
        #expect(first.value(requests, ["method": "GET", "route": "/orders/{order_id}", "status": "404"]) == 1)
        #expect(first.value(requests, ["method": "GET", "route": "unmatched", "status": "404"]) == 1)
        #expect(first.value(requests, ["method": "other", "route": "/orders/{order_id}", "status": "405"]) == 1)
        #expect(first.value(requests, ["method": "POST", "route": "/", "status": "200"]) == 2)
        #expect(first.value(requests, ["method": "GET", "route": "/views/{name}", "status": "200"]) == 1)
        let routes = Set(first.samples(requests).compactMap { $0.labels["route"] })
        let expected: Set = ["/", "/orders/{order_id}", "/views/{name}", "/sync", "/metrics", "unmatched"]
        #expect(routes == expected, "\(routes)")
        let duration = "ordersync_http_request_duration_seconds"
        #expect(
            first.value(duration, sample: duration + "_count", ["method": "GET", "route": "/orders/{order_id}"]) == 3)
        #expect(first.value("ordersync_http_request_body_bytes_total", ["route": "/"]) > 0)
        #expect(first.value("ordersync_http_response_body_bytes_total", ["route": "/orders/{order_id}"]) > 0)

        // The writer: two orders stored, then the same two unchanged; every commit observed.
        #expect(first.value("ordersync_orders_inserted_total") == 2)
        #expect(first.value("ordersync_orders_unchanged_total") == 2)
        let rows = "ordersync_sqlite_commit_rows"
        #expect(first.value(rows, sample: rows + "_sum") == 2)
        #expect(first.value(rows, sample: rows + "_count") >= 1)
        let commits = "ordersync_sqlite_commit_duration_seconds"
        #expect(first.value(commits, sample: commits + "_count") == first.value(rows, sample: rows + "_count"))

        // The sync run, from its summary.
        #expect(first.value("ordersync_sync_runs_total", ["status": "failed"]) == 1)
        #expect(first.value("ordersync_sync_runs_total", ["status": "succeeded"]) == 0)
        #expect(first.value("ordersync_sync_records_total", ["connector": "shopify", "outcome": "inserted"]) == 3)
        #expect(first.value("ordersync_sync_records_total", ["connector": "shopify", "outcome": "unchanged"]) == 1)
        #expect(first.value("ordersync_sync_retries_total", ["connector": "zoho"]) == 4)
        #expect(first.value("ordersync_sync_errors_total", ["connector": "zoho"]) == 1)

        // Read at scrape time.
        #expect(first.value("ordersync_http_open_connections") >= 2)  // the raw client and the scraper
        #expect(first.value("ordersync_sqlite_database_size_bytes") > 0)  // on PostgreSQL: pg_database_size
        #expect(first.value("ordersync_storage_engine_info", ["engine": TestEngine.isPostgres ? "postgresql" : "sqlite"]) == 1)
        #expect(first.value("process_resident_memory_bytes") > 0)
        #expect(first.value("process_open_fds") > 0)
        #expect(first.value("process_start_time_seconds") <= Date().timeIntervalSince1970)

        // Counts move by exactly what was done in between (the first scrape counts itself too).
        for _ in 0..<3 { #expect(try send(client, Request.get("/healthz")) == 200) }
        let second = try scrape(server)
        let healthz = ["method": "GET", "route": "/healthz", "status": "200"]
        #expect(second.value(requests, healthz) - first.value(requests, healthz) == 3)
        let scrapes = ["method": "GET", "route": "/metrics", "status": "200"]
        #expect(second.value(requests, scrapes) - first.value(requests, scrapes) == 1)
        #expect(second.value(requests, ["method": "GET", "route": "/metrics", "status": "401"]) == 1)
        #expect(second.value(requests, orderGets) == 2)
    }
}
