import OrderAPI
import OrderCore
import Telemetry
import Testing

@Suite struct SyncMetricsTests {
    private let registry = MetricCatalog.makeRegistry()

    private func summary(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test func everyRunStatusExistsFromTheStart() {
        _ = SyncMetrics(factory: registry.factory)
        let text = Exposition(registry.exposition())
        for status in SyncMetrics.RunStatus.allCases {
            #expect(text.value("ordersync_sync_runs_total{status=\"\(status.rawValue)\"}") == 0)
        }
    }

    @Test func countsRecordsRetriesAndErrorsFromTheSummary() throws {
        let metrics = SyncMetrics(factory: registry.factory)
        let first = try summary(
            """
            {"run_id":1,"status":"failed","connectors":{
              "shopify":{"status":"succeeded","fetched":5,"inserted":3,"unchanged":2,"retries":1},
              "zoho":{"status":"failed","fetched":0,"inserted":0,"unchanged":0,"retries":4},
              "customers":{"status":"skipped","reason":"CUSTOMERS_URL is not set","inserted":0,"unchanged":0,"retries":0}},
             "errors":[{"connector":"zoho","path":"/crm/v2/Contacts","status":500,"attempts":5,"message":"HTTP 500"}]}
            """)
        metrics.record(.failed, summary: first)
        let second = try summary(
            #"{"connectors":{"shopify":{"inserted":1,"unchanged":0,"retries":0}},"errors":[]}"#)
        metrics.record(.succeeded, summary: second)
        metrics.record(.busy, summary: nil)
        let text = Exposition(registry.exposition())
        #expect(text.value(#"ordersync_sync_runs_total{status="failed"}"#) == 1)
        #expect(text.value(#"ordersync_sync_runs_total{status="succeeded"}"#) == 1)
        #expect(text.value(#"ordersync_sync_runs_total{status="busy"}"#) == 1)
        #expect(text.value(#"ordersync_sync_records_total{connector="shopify",outcome="inserted"}"#) == 4)
        #expect(text.value(#"ordersync_sync_records_total{connector="shopify",outcome="unchanged"}"#) == 2)
        #expect(text.value(#"ordersync_sync_retries_total{connector="shopify"}"#) == 1)
        #expect(text.value(#"ordersync_sync_retries_total{connector="zoho"}"#) == 4)
        #expect(text.value(#"ordersync_sync_errors_total{connector="zoho"}"#) == 1)
        #expect(text.value(#"ordersync_sync_errors_total{connector="shopify"}"#) == 0)
        #expect(text.value(#"ordersync_sync_records_total{connector="customers",outcome="inserted"}"#) == 0)
    }

    @Test func connectorLabelsAreBounded() throws {
        let metrics = SyncMetrics(factory: registry.factory)
        #expect(metrics.label(for: "shopify") == "shopify")
        #expect(metrics.label(for: "Shop ify\"}") == SyncMetrics.otherConnector)
        #expect(metrics.label(for: String(repeating: "a", count: 33)) == SyncMetrics.otherConnector)
        let names = (0..<40).map { "c\($0)" }
        let connectors = names.map { #""\#($0)":{"inserted":1}"# }.joined(separator: ",")
        metrics.record(.succeeded, summary: try summary("{\"connectors\":{\(connectors)}}"))
        let text = Exposition(registry.exposition())
        let series = text.samples("ordersync_sync_records_total").filter { $0.contains("outcome=\"inserted\"") }
        #expect(series.count <= SyncMetrics.maxConnectors + 1)
        let total = series.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
        #expect(total == 40)
    }
}
