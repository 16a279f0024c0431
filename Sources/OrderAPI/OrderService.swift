import CRMOutbox
import CoreMetrics
package import HTTPServer
package import Logging
import OrderCore
package import Storage
import Synchronization
package import Telemetry

/// The ordersync API behind our HTTP server: routing, auth, content rules, gzip and access logs.
/// Handlers of each resource live in their own files (`OrderService+Ingest`, `+Latest`, …).
package final class OrderService: HTTPHandler {
    let store: any OrderDatabase
    let configuration: APIConfiguration
    let logger: Logger
    /// The registry `/metrics` renders; the store's writer records into the same one.
    let metricsRegistry: MetricsRegistry
    let requestMetrics: RequestMetrics
    let syncMetrics: SyncMetrics
    let scrapeGauges: ScrapeGauges
    let connectionMetrics: ConnectionMetrics
    let eventMetrics: EventMetrics
    let outboxGauges: OutboxGauges
    /// The outbox workers' series, registered at 0 here so they exist before the first delivery (the
    /// workers record through the same registry: Sources/CRMOutbox/OutboxMetrics.swift).
    let outboxMetrics: OutboxMetrics
    private let authorization: Authorization?
    private let draining = Atomic<Bool>(false)
    /// The Google Cloud project for trace names in logs (`GOOGLE_CLOUD_PROJECT`), when known.
    let traceProject: String?
    /// Distinguishes this process in ETags, so validators from before a restart never match
    /// (`OrderService+Caching`).
    let instanceNonce = String(UInt32.random(in: 0...UInt32.max), radix: 36)
    /// Set once the server exists, for the open-connection gauge. Weak: the server holds this service
    /// as its handler, and a strong reference back made a cycle that kept both, and the store with its
    /// SQLite connections, alive forever (LeakSanitizer found it: every in-process test server leaked).
    private let server = Mutex<WeakServer>(WeakServer())
    private let router: Router<Endpoint>

    /// Every resource of the API.
    enum Endpoint: Sendable {
        case ingest, latest, order, health, readiness, metrics, views, view, dashboard, sync, version
        case shopifyWebhook, wooCommerceWebhook, debeziumEvent, hubSpotWebhook
        case putCustomer, patchCustomer, deleteCustomer, getCustomer, postCustomer, listCustomers
        case outbox, deadLetters, redriveOne, redriveAll
    }

    /// Endpoints that never require the bearer token: probes must work for the platform, `/version`
    /// tells nothing but the build, and the dashboard page holds no data (a browser cannot attach a
    /// header to a URL it opens; the page sends the token from `?token=` on its API calls, which do
    /// require it).
    /// The webhooks carry no bearer token (a shop cannot send one): their signature is checked instead,
    /// before anything is read or stored (docs/realtime.md §1, §2).
    private static let openPaths: Set<String> = [
        "/healthz", "/readyz", "/version", "/dashboard", "/webhooks/shopify", "/webhooks/woocommerce",
        "/webhooks/hubspot",
    ]
    /// The routes of source events (`OrderService+Events`): their bodies are held whole, bounded by
    /// `maxEventBodyBytes`.
    static let eventPaths: Set<Substring> = [
        "/webhooks/shopify", "/webhooks/woocommerce", "/webhooks/hubspot", "/cdc/debezium",
    ]

    /// A service over `store`. `metrics` should be the registry whose factory the store was opened
    /// with (`MetricCatalog.makeRegistry()`), so `/metrics` shows the writer's figures too.
    package init(store: any OrderDatabase, configuration: APIConfiguration, logger: Logger, metrics: MetricsRegistry) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.metricsRegistry = metrics
        self.authorization = configuration.authToken.map(Authorization.init(token:))
        self.traceProject = configuration.traceProject
        var router = Router<Endpoint>()
        router.add("POST", "/", .ingest)
        router.add("GET", "/", .latest)
        router.add("GET", "/orders/{order_id}", .order)
        router.add("GET", "/healthz", .health)
        router.add("GET", "/readyz", .readiness)
        router.add("GET", "/version", .version)
        router.add("GET", "/metrics", .metrics)
        router.add("GET", "/views", .views)
        router.add("GET", "/views/{name}", .view)
        router.add("GET", "/dashboard", .dashboard)
        router.add("GET", "/sync", .sync)
        router.add("POST", "/sync", .sync)
        router.add("POST", "/webhooks/shopify", .shopifyWebhook)
        router.add("POST", "/webhooks/woocommerce", .wooCommerceWebhook)
        router.add("POST", "/cdc/debezium", .debeziumEvent)
        router.add("POST", "/webhooks/hubspot", .hubSpotWebhook)
        router.add("PUT", "/customers/{id}", .putCustomer)
        router.add("PATCH", "/customers/{id}", .patchCustomer)
        router.add("DELETE", "/customers/{id}", .deleteCustomer)
        router.add("GET", "/customers/{id}", .getCustomer)
        router.add("POST", "/customers", .postCustomer)
        router.add("GET", "/customers", .listCustomers)
        router.add("GET", "/outbox", .outbox)
        router.add("GET", "/outbox/dead", .deadLetters)
        router.add("POST", "/outbox/dead/{id}/redrive", .redriveOne)
        router.add("POST", "/outbox/dead/redrive", .redriveAll)
        self.router = router
        self.requestMetrics = RequestMetrics(routes: router.patterns, factory: metrics.factory)
        self.syncMetrics = SyncMetrics(factory: metrics.factory)
        self.scrapeGauges = ScrapeGauges(factory: metrics.factory)
        self.connectionMetrics = ConnectionMetrics(factory: metrics.factory)
        self.eventMetrics = EventMetrics(factory: metrics.factory)
        self.outboxGauges = OutboxGauges(factory: metrics.factory)
        self.outboxMetrics = OutboxMetrics(factory: metrics.factory)
        Gauge(label: MetricCatalog.storageEngine, dimensions: [("engine", store.engine)], factory: metrics.factory)
            .record(1)
    }

    /// Tells the service which server carries it (for connection counts in /metrics).
    package func attach(_ server: HTTPServer) {
        self.server.withLock { $0.server = server }
    }

    /// From now on `/readyz` answers 503, so the platform stops routing new traffic here.
    package func beginDraining() {
        draining.store(true, ordering: .relaxed)
    }

    package var isDraining: Bool { draining.load(ordering: .relaxed) }

    var connectionFigures: HTTPServer.Figures { server.withLock { $0.server?.figures ?? HTTPServer.Figures() } }

    /// The request memory budget of the server carrying this service (nil before `attach`).
    var requestMemory: RequestMemoryBudget? { server.withLock { $0.server?.requestMemory } }

    private struct WeakServer {
        weak var server: HTTPServer?
    }

    // MARK: - HTTPHandler

    package func preflight(_ head: HTTPRequestHead) -> HTTPResponse? {
        guard var response = refuseEarly(head) else { return nil }
        OrderService.applyCaching(&response, endpoint: nil)
        response.headers.set("X-Request-Id", RequestContext.requestID(for: head))
        return response
    }

    private func refuseEarly(_ head: HTTPRequestHead) -> HTTPResponse? {
        // Authorization is a singleton field (RFC 9110 §11.6.2): with two, a proxy in front and this
        // service could each check a different one. Refused whatever they hold, token or not.
        let credentials = head.headers.values("authorization")
        if credentials.count > 1 {
            return Problem(status: 400, detail: "a request may carry one Authorization header, not several").response
        }
        let match = router.match(method: head.method, path: head.path)
        // The token is checked before the route: without it, every path and method gets the same 401,
        // so a stranger learns nothing of which paths exist or what they allow (the open ones aside).
        if let authorization, !OrderService.isOpen(match), !authorization.allows(credentials.first) {
            var problem = Problem(status: 401, detail: "a valid bearer token is required")
            problem.headers = [("WWW-Authenticate", "Bearer")]
            return problem.response
        }
        switch match {
        case .notFound:
            return Problem(status: 404, detail: "no resource at this path").response
        case .methodNotAllowed(let allowed):
            var problem = Problem(status: 405, detail: "\(head.method) is not allowed here")
            problem.headers = [("Allow", allowed.joined(separator: ", "))]
            return problem.response
        case .found(_, let pattern, _):
            if head.method == "POST" && pattern == "/" { return ingestPreflight(head) }
            if head.method == "POST" && OrderService.eventPaths.contains(head.path) { return eventPreflight(head) }
            if pattern == "/customers" && head.method == "POST" || pattern == "/customers/{id}"
                && (head.method == "PUT" || head.method == "PATCH")
            {
                return customerPreflight(head)
            }
            return nil
        }
    }

    /// True for a route of an open endpoint (`openPaths`) found for its own method: a `POST /healthz`
    /// or an unknown path is not open.
    private static func isOpen(_ match: Router<Endpoint>.Match) -> Bool {
        guard case .found(_, let pattern, _) = match else { return false }
        return openPaths.contains(pattern)
    }

    package func refused(_ reason: ConnectionRefusal) {
        connectionMetrics.refused(reason)
    }

    package func bodySink(for head: HTTPRequestHead) -> (any HTTPBodySink)? {
        guard head.method == "POST", head.path == "/" else { return nil }
        return ingestSink(head, memory: nil)
    }

    package func bodySink(for head: HTTPRequestHead, memory: RequestMemory) -> (any HTTPBodySink)? {
        guard head.method == "POST", head.path == "/" else { return nil }
        return ingestSink(head, memory: memory)
    }

    package func handle(_ request: HTTPRequest) -> HTTPResponse {
        var response = route(request)
        response.headers.set("X-Request-Id", RequestContext.requestID(for: request.head))
        return response
    }

    private func route(_ request: HTTPRequest) -> HTTPResponse {
        guard
            case .found(let endpoint, _, let parameters) = router.match(method: request.method, path: request.head.path)
        else {
            return preflight(request.head) ?? Problem(status: 404, detail: "no resource at this path").response
        }
        var request = request
        request.parameters = parameters
        let answered = conditional(endpoint, request) { answer(endpoint, request) }
        var response = GzipResponse.compress(answered, for: request.head, minimumBytes: configuration.gzipMinimumBytes)
        OrderService.applyCaching(&response, endpoint: endpoint)
        return response
    }

    private func answer(_ endpoint: Endpoint, _ request: HTTPRequest) -> HTTPResponse {
        switch endpoint {
        case .ingest: ingest(request)
        case .latest: latest(request)
        case .order: order(request)
        case .health: health()
        case .version: OrderService.json(200, "{\"version\":\"\(ProductVersion.current)\"}")
        case .readiness: readiness()
        case .metrics: metrics()
        case .views: listViews()
        case .view: viewRows(request)
        case .dashboard: dashboard()
        case .sync: sync(request)
        case .shopifyWebhook: shopifyWebhook(request)
        case .wooCommerceWebhook: wooCommerceWebhook(request)
        case .debeziumEvent: debeziumEvent(request)
        case .hubSpotWebhook: hubSpotWebhook(request)
        case .putCustomer: putCustomer(request)
        case .patchCustomer: patchCustomer(request)
        case .deleteCustomer: deleteCustomer(request)
        case .getCustomer: getCustomer(request)
        case .postCustomer: postCustomer(request)
        case .listCustomers: listCustomers(request)
        case .outbox: outbox(request)
        case .deadLetters: deadLetters(request)
        case .redriveOne: redriveOne(request)
        case .redriveAll: redriveAll(request)
        }
    }

    package func protocolError(status: Int, detail: String) -> HTTPResponse {
        var problem = Problem(status: status, detail: detail)
        if status == 503 { problem.headers = [("Retry-After", "1")] }
        var response = problem.response
        OrderService.applyCaching(&response, endpoint: nil)
        response.headers.set("X-Request-Id", RequestContext.requestID(for: nil))
        return response
    }

    package func completed(_ exchange: CompletedExchange) {
        // The route pattern, never the raw path: a bounded label (a 405 gets the pattern its path fits).
        let routeIndex = exchange.head.flatMap { router.patternIndex(method: $0.method, path: $0.path) }
        requestMetrics.record(
            method: exchange.head?.method, route: routeIndex, status: exchange.status,
            requestBytes: exchange.requestBytes, responseBytes: exchange.responseBytes,
            seconds: exchange.durationSeconds)
        guard logger.logLevel <= .info else { return }
        let route = routeIndex.map { router.patterns[$0] }
        let method = exchange.head?.method ?? "-"
        // The path without its query: query values may carry customer data. Never the body.
        let path = String((exchange.head?.path ?? "-").prefix(256))
        // Cloud Logging reads `httpRequest` (https://cloud.google.com/logging/docs/structured-logging).
        var httpRequest: Logger.Metadata = [
            "requestMethod": .string(method),
            "requestUrl": .string(path),
            "status": .stringConvertible(exchange.status),
            "requestSize": .stringConvertible(exchange.requestBytes),
            "responseSize": .stringConvertible(exchange.responseBytes),
            "latency": .string(format3(exchange.durationSeconds) + "s"),
            "remoteIp": .string(exchange.remoteAddress),
            "protocol": .string(exchange.head?.version == .http10 ? "HTTP/1.0" : "HTTP/1.1"),
        ]
        if let agent = exchange.head?.headers["user-agent"] {
            httpRequest["userAgent"] = .string(String(agent.prefix(256)))
        }
        var metadata: Logger.Metadata = [
            "httpRequest": .dictionary(httpRequest),
            "route": .string(route ?? "-"),
            "requestId": .string(exchange.responseHeaders["x-request-id"] ?? "-"),
        ]
        if !exchange.delivered { metadata["delivered"] = "false" }
        if let trace = RequestContext.trace(for: exchange.head) {
            metadata["logging.googleapis.com/trace"] =
                .string(traceProject.map { "projects/\($0)/traces/\(trace.trace)" } ?? trace.trace)
            if let span = trace.span { metadata["logging.googleapis.com/spanId"] = .string(span) }
        }
        logger.info("\(method) \(path) \(exchange.status)", metadata: metadata)
    }

    /// The view catalog, loaded on first use.
    func viewCatalog() throws -> ViewCatalog {
        try store.viewCatalog()
    }

    func dashboard() -> HTTPResponse {
        var response = HTTPResponse(
            status: 200, contentType: "text/html; charset=utf-8", body: Array(DashboardPage.html.utf8))
        // The page is self-contained: nothing may load from elsewhere.
        response.headers.add(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:"
        )
        return response
    }

    // MARK: - Helpers

    static func json(_ status: Int, _ text: String) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: Array(text.utf8))
    }

    private func format3(_ value: Double) -> String {
        let thousandths = Int((value * 1_000).rounded())
        let fraction = String(thousandths % 1_000)
        return "\(thousandths / 1_000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
