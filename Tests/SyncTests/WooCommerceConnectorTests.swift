import Connectors
import FakeProviders
import Foundation
import HTTPServer
import Logging
import OrderCore
import OrderStore
import SQLite
import Storage
import SyncCore
import Testing
import Threads

/// The WooCommerce pull (Sources/Connectors/WooCommerceConnector.swift) through the real engine,
/// URLSession and SQLite store, against the fake WooCommerce in-process over a real socket.
final class WooFixture {
    let service: FakeProvidersService
    let server: HTTPServer
    let root = NSTemporaryDirectory() + "ordersync-woo-" + UUID().uuidString
    var dbPath: String { root + "/woo.db" }
    let store: SyncStore
    let baseURL: String

    init(orders: Int, faults: [Fault] = []) throws {
        var configuration = FakeConfiguration()
        configuration.orders = 0
        configuration.contacts = 40
        configuration.customers = 0
        configuration.wooOrders = orders
        configuration.faults = faults
        service = FakeProvidersService(configuration: configuration)
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.host = "127.0.0.1"
        serverConfiguration.port = 0
        server = try HTTPServer(configuration: serverConfiguration, handler: service)
        let port = try server.start()
        baseURL = "http://127.0.0.1:\(port)"
        service.listening(at: baseURL)
        store = try SyncStore(path: root + "/woo.db", sqlDirectory: SyncStoreTests.sql)
    }

    deinit {
        server.drain()
        try? FileManager.default.removeItem(atPath: root)
    }

    /// One sync run of the WooCommerce connector alone; its report and the run's failures.
    func run(
        key: String = "ck_fake", secret: String = "cs_fake", attempts: Int = 4, transport: (any HTTPTransport)? = nil
    ) async throws -> (report: ConnectorReport, errors: [SyncFailure]) {
        let session = URLSessionTransport()
        defer { session.close() }
        var policy = ProviderClient.Policy()
        policy.maxAttempts = attempts
        policy.backoff = Backoff(base: 0.001, maximum: 0.002)
        policy.requestTimeout = 20  // a test never hangs: each request and the whole run are bounded
        let client = ProviderClient(
            transport: transport ?? session, connector: "woocommerce", policy: policy,
            deadline: Threads.monotonicSeconds() + 3_600)
        let connector = WooCommerceConnector(url: baseURL, consumerKey: key, consumerSecret: secret, client: client)
        let engine = SyncEngine(store: store, connectors: [connector], skipped: [], logger: Logger(label: "test"))
        var summary = SyncSummary()
        summary.runID = try store.beginRun(trigger: "test", scheduleTime: nil)
        summary = await engine.run(summary)
        try store.finishRun(summary.runID, succeeded: summary.succeeded, summary: "{}")
        return (summary.connectors[0], summary.errors)
    }

    func count(_ sql: String) throws -> Int {
        Int(try Connection(path: dbPath, mode: .readOnly).scalarInt(sql) ?? -1)
    }

    /// Every order of the fake stored once per version: records, orders_raw rows, no doubles.
    func expectEverythingOnce(_ orders: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(
            try count("SELECT count(DISTINCT source_id) FROM source_records WHERE source = 'woocommerce'") == orders,
            sourceLocation: sourceLocation)
        #expect(
            try count(
                "SELECT count(*) FROM (SELECT 1 FROM source_records GROUP BY source, source_id, payload HAVING count(*) > 1)"
            ) == 0, sourceLocation: sourceLocation)
        #expect(
            try count(
                "SELECT count(*) FROM (SELECT 1 FROM orders_raw WHERE source = 'woocommerce' GROUP BY order_id, updated_at HAVING count(*) > 1)"
            ) == 0, sourceLocation: sourceLocation)
        #expect(
            try count("SELECT count(*) FROM latest_order_v WHERE source = 'woocommerce'") == orders,
            sourceLocation: sourceLocation)
    }

    /// `POST /_fake/woocommerce/mutate` without a socket.
    func mutate(_ orders: Int) -> JSONValue {
        let head = HTTPRequestHead(
            method: "POST", target: "/_fake/woocommerce/mutate", version: .http11, headers: HTTPHeaders())
        let response = service.handle(
            HTTPRequest(head: head, body: Array("{\"orders\":\(orders)}".utf8), remoteAddress: "127.0.0.1"))
        guard case .bytes(let bytes) = response.body else { return .null }
        return (try? JSONParser.parse(bytes)) ?? .null
    }
}

@Suite struct WooCommerceConnectorTests {
    @Test func pagesStoreEveryOrderOnceAndTheNextRunRefetchesOnlyTheBoundarySecond() async throws {
        let fixture = try WooFixture(orders: 250)
        let (first, errors) = try await fixture.run()
        #expect(errors.isEmpty, "\(errors)")
        #expect(first.inserted == 250)
        #expect(first.pages >= 3)
        try fixture.expectEverythingOnce(250)
        #expect(try fixture.count("SELECT count(*) FROM orders_raw WHERE source = 'woocommerce'") == 250)
        // The cursor is the greatest date_modified_gmt stored, and no resume point is left.
        #expect(
            try fixture.count(
                "SELECT count(*) FROM sync_state WHERE connector = 'woocommerce' AND resume IS NULL AND cursor = (SELECT max(updated_at) FROM source_records WHERE source = 'woocommerce')"
            ) == 1)

        // Nothing changed: one page from the cursor's second (inclusive), nothing stored.
        let (second, again) = try await fixture.run()
        #expect(again.isEmpty, "\(again)")
        #expect(second.pages == 1)
        #expect(second.inserted == 0)
        #expect(second.unchanged >= 1)
        #expect(second.ordersInserted == 0)

        // More changes in one second than a page holds (a bulk action): pages within that second.
        let changed = fixture.mutate(150)
        #expect(changed["changed_orders"]?.elementCount == 150)
        let (third, late) = try await fixture.run()
        #expect(late.isEmpty, "\(late)")
        #expect(third.inserted == 150)
        #expect(third.ordersInserted == 150)
        try fixture.expectEverythingOnce(250)
    }

    @Test func aFailedRunResumesAtItsNextPageWithoutLossOrDoubles() async throws {
        // The first page succeeds, then the store keeps failing beyond the retries.
        var pass = Fault(provider: .woocommerce, kind: .slow, count: 1)
        pass.delayMilliseconds = 1
        var failing = Fault(provider: .woocommerce, kind: .status, count: 4)
        failing.status = 503
        let fixture = try WooFixture(orders: 230, faults: [pass, failing])
        let (failed, errors) = try await fixture.run()
        #expect(failed.status == "failed")
        #expect(errors.first?.status == 503)
        #expect(errors.first?.path == "/wp-json/wc/v3/orders")
        #expect(try fixture.count("SELECT count(*) FROM source_records WHERE source = 'woocommerce'") == 100)
        #expect(
            try fixture.count("SELECT count(*) FROM sync_state WHERE connector = 'woocommerce' AND resume IS NOT NULL")
                == 1)
        // The faults ran out during the failed run's four attempts.
        let (resumed, again) = try await fixture.run()
        #expect(again.isEmpty, "\(again)")
        #expect(resumed.resumed)
        try fixture.expectEverythingOnce(230)
    }

    @Test func rateLimitsServerErrorsAndBrokenConnectionsAreRetried() async throws {
        var limited = Fault(provider: .woocommerce, kind: .rateLimit, count: 2)
        limited.retryAfterSeconds = 0
        var unavailable = Fault(provider: .woocommerce, kind: .status, count: 1)
        unavailable.status = 502
        let fixture = try WooFixture(
            orders: 120,
            faults: [
                limited, unavailable, Fault(provider: .woocommerce, kind: .truncate, count: 1),
                Fault(provider: .woocommerce, kind: .drop, count: 1),
            ])
        // Five faults in a row on the first request: the sixth attempt gets through.
        let (report, errors) = try await fixture.run(attempts: 8)
        #expect(errors.isEmpty, "\(errors)")
        // libcurl itself re-sends a request whose reused connection closed unanswered (the drop).
        #expect(report.retries >= 4)
        try fixture.expectEverythingOnce(120)
    }

    @Test func wrongCredentialsFailClearlyStoreNothingAndNameNoSecret() async throws {
        let fixture = try WooFixture(orders: 30)
        for (key, secret, code) in [
            ("ck_fake", "cs_wrong_secret_value", "woocommerce_rest_authentication_error"),
            ("ck_wrong_key_value", "cs_fake", "woocommerce_rest_authentication_error"),
            ("", "", "woocommerce_rest_authentication_error"),
        ] {
            let (report, errors) = try await fixture.run(key: key, secret: secret)
            #expect(report.status == "failed")
            let failure = try #require(errors.first)
            #expect(failure.status == 401)
            #expect(failure.attempts == 1, "a 401 is not retried")
            #expect(failure.description.contains(code), "\(failure.description)")
            #expect(!failure.description.contains("cs_wrong") && !failure.description.contains("ck_wrong"))
        }
        #expect(try fixture.count("SELECT count(*) FROM source_records") == 0)
        #expect(try fixture.count("SELECT count(*) FROM orders_raw") == 0)
    }

    static let order =
        "{\"id\":7,\"status\":\"processing\",\"date_created_gmt\":\"2024-05-02T07:15:00\",\"date_modified_gmt\":\"2024-05-02T07:20:41\"}"

    static func connector(_ steps: [ScriptedTransport.Step]) -> (WooCommerceConnector, ScriptedTransport) {
        let transport = ScriptedTransport(steps)
        let client = ConnectorResponseTests.client(transport, "woocommerce")
        let connector = WooCommerceConnector(
            url: "https://shop.example/store", consumerKey: "ck_key", consumerSecret: "cs_secret", client: client)
        return (connector, transport)
    }

    static func ok(_ body: String, totalPages: String? = "1") -> ScriptedTransport.Step {
        var headers: [String: String] = [:]
        if let totalPages { headers["x-wp-totalpages"] = totalPages }
        return .answer(ProviderResponse(status: 200, headers: headers, body: Array(body.utf8)))
    }

    @Test func asksForModifiedOrdersFromTheSecondBeforeTheCursorWithBasicAuth() async throws {
        let (connector, transport) = Self.connector([Self.ok("[]")])
        _ = try await connector.fetch(connector.firstPosition(cursor: "2024-05-03T15:00:12.345Z"))
        let request = try #require(transport.seen.first)
        #expect(request.url.hasPrefix("https://shop.example/store/wp-json/wc/v3/orders?"))
        for part in [
            "orderby=modified", "order=asc", "per_page=100", "page=1", "dates_are_gmt=true",
            "modified_after=2024-05-03T15%3A00%3A11",
        ] {
            #expect(request.url.contains(part), "\(part) in \(request.url)")
        }
        // base64("ck_key:cs_secret"), HTTP Basic as WooCommerce documents for https.
        #expect(request.headers.contains { $0.name == "Authorization" && $0.value == "Basic Y2tfa2V5OmNzX3NlY3JldA==" })
        #expect(WooCommerceConnector.modifiedAfter("2024-01-01T00:00:00.000Z") == "2023-12-31T23:59:59")
        // A first full read sends no bound at all.
        let (full, fullTransport) = Self.connector([Self.ok("[]")])
        _ = try await full.fetch(full.firstPosition(cursor: nil))
        #expect(!(fullTransport.seen.first?.url.contains("modified_after") ?? true))
    }

    @Test func refusesBodiesAndHeadersThatAreNotAnOrdersPage() async throws {
        let many = "[" + Array(repeating: Self.order, count: 101).joined(separator: ",") + "]"
        let huge = "[\"" + String(repeating: "x", count: WooCommerceConnector.maxBodyBytes) + "\"]"
        let steps: [(String, ScriptedTransport.Step)] = [
            ("html", Self.ok("<html>maintenance</html>")), ("empty", Self.ok("")),
            ("object", Self.ok("{\"orders\":[]}")),
            ("cut", Self.ok("[\(Self.order),{\"id\":")), ("101 orders", Self.ok(many)), ("huge", Self.ok(huge)),
            ("no total", Self.ok("[]", totalPages: nil)), ("bad total", Self.ok("[]", totalPages: "many")),
            ("nested", Self.ok(String(repeating: "[", count: 100_000))),
        ]
        for (name, step) in steps {
            let (connector, _) = Self.connector([step])
            do {
                _ = try await connector.fetch(connector.firstPosition(cursor: nil))
                Issue.record("\(name) accepted")
            } catch {
                #expect(error.connector == "woocommerce", "\(name)")
                #expect(error.description.count < 400, "\(name): \(error.description.prefix(200))")
            }
        }
        // Saved positions that are not ours are refused before anything is sent.
        for position: JSONValue in [.object(["page": .number("0")]), .object(["page": .string("1")]), .null] {
            let (connector, transport) = Self.connector([Self.ok("[]")])
            await #expect(throws: SyncFailure.self) { try await connector.fetch(position) }
            #expect(transport.seen.isEmpty)
        }
    }

    @Test func unreadableOrdersAreSkippedAndCountedTheRestStored() async throws {
        let body =
            "[\(Self.order),{\"id\":8},17,{\"id\":9,\"status\":\"\",\"date_created_gmt\":\"2024-05-02T07:15:00\"}]"
        let (connector, _) = Self.connector([Self.ok(body, totalPages: "1")])
        let page = try await connector.fetch(connector.firstPosition(cursor: nil))
        #expect(page.records.map(\.sourceID) == ["7"])
        #expect(page.records.first?.source == "woocommerce")
        #expect(page.orders.count == 1)
        #expect(page.invalid.count == 3)
        #expect(page.next == nil)
    }

    @Test func aBrokenPageStoresNothingOfItselfAndTheRunResumesThere() async throws {
        let fixture = try WooFixture(orders: 0)
        let second =
            "{\"id\":8,\"status\":\"completed\",\"date_created_gmt\":\"2024-05-03T07:15:00\",\"date_modified_gmt\":\"2024-05-03T07:20:41\"}"
        let broken = ScriptedTransport([
            Self.ok("[\(Self.order)]", totalPages: "2"), Self.ok("[\(second),{\"id\":"),
        ])
        let (failed, errors) = try await fixture.run(transport: broken)
        #expect(failed.status == "failed")
        #expect(errors.first?.message.contains("not JSON") == true, "\(errors)")
        #expect(try fixture.count("SELECT count(*) FROM source_records") == 1)
        #expect(try fixture.count("SELECT count(*) FROM orders_raw") == 1)
        let resume = ScriptedTransport([Self.ok("[\(second)]", totalPages: "1")])
        let (resumed, again) = try await fixture.run(transport: resume)
        #expect(again.isEmpty, "\(again)")
        #expect(resumed.resumed)
        #expect(resume.seen.first?.url.contains("modified_after=2024-05-02T07%3A20%3A40") == true)
        #expect(try fixture.count("SELECT count(*) FROM orders_raw WHERE source = 'woocommerce'") == 2)
    }

    @Test func configurationNeedsAllThreeVariablesAndASafeURL() throws {
        let full = [
            "WOOCOMMERCE_URL": "http://127.0.0.1:8080/", "WOOCOMMERCE_CONSUMER_KEY": "ck_x",
            "WOOCOMMERCE_CONSUMER_SECRET": "cs_secret_value",
        ]
        #expect(try SyncConfiguration(environment: full).wooCommerce?.url == "http://127.0.0.1:8080")
        for (change, expected) in [
            (["WOOCOMMERCE_URL": ""], "must be set together"),
            (["WOOCOMMERCE_CONSUMER_SECRET": ""], "must be set together"),
            (["WOOCOMMERCE_URL": "http://shop.example.com"], "https"),
            (["WOOCOMMERCE_URL": "https://shop.example.com/?x=1"], "no query"),
            (["WOOCOMMERCE_URL": "https://user:pw@shop.example.com"], "WOOCOMMERCE_URL"),
            (["WOOCOMMERCE_CONSUMER_KEY_FILE": "/nonexistent/key"], "not both"),
        ] {
            do {
                _ = try SyncConfiguration(environment: full.merging(change) { $1 })
                Issue.record("accepted \(change)")
            } catch {
                #expect(error.description.contains(expected), "\(error.description)")
                #expect(!error.description.contains("cs_secret_value"))
            }
        }
    }
}

extension JSONValue {
    fileprivate var elementCount: Int? {
        if case .array(let values) = self { return values.count }
        return nil
    }
}
