package import HTTPServer
import OrderCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The emulated APIs and the control API behind one `HTTPHandler`: Shopify orders under
/// `/admin/api/`, Zoho Accounts' token endpoint and Zoho CRM records under `/oauth/` and `/crm/`, the
/// reqres-style source under `/api/users`, WooCommerce orders under `/wp-json/`, the outbound CRMs
/// (HubSpot under `/hubspot/crm/v3/`, Salesforce under `/services/`), and `/_fake/` for tests. Each
/// provider's handlers live in their own file (`+Shopify`, `+Zoho`, `+Customers`, `+WooCommerce`,
/// `+HubSpot`, `+Salesforce`, `+Control`, `+CRMControl`).
package final class FakeProvidersService: HTTPHandler {
    /// Everything that changes while serving, behind one lock (requests are small and fast).
    struct State: Sendable {
        var data: DataSet
        var tokens: TokenStore
        var bucket: LeakyBucket
        var woo: WooCommerceData
        var crm: CRMState
        var faults = FaultPlan()
        var stats = ProviderStats()
    }

    enum Endpoint: Sendable {
        case shopifyOrders, shopifyOrder, zohoToken, zohoRecords, users, user, wooOrders, wooOrder
        case addFaults, clearFaults, mutate, expireTokens, stats, resetStats, dataset, wooMutate
        case crm(CRMEndpoint)

        var provider: Provider? {
            switch self {
            case .shopifyOrders, .shopifyOrder: .shopify
            case .zohoToken: .zohoToken
            case .zohoRecords: .zoho
            case .users, .user: .customers
            case .wooOrders, .wooOrder: .woocommerce
            case .crm(let endpoint): endpoint.provider
            default: nil
            }
        }

        /// The endpoint's name in statistics.
        var name: String {
            switch self {
            case .shopifyOrders, .wooOrders: "orders"
            case .shopifyOrder, .wooOrder: "order"
            case .zohoToken: "token"
            case .zohoRecords: "records"
            case .users: "users"
            case .user: "user"
            case .crm(let endpoint): endpoint.name
            default: "control"
            }
        }
    }

    let configuration: FakeConfiguration
    let clock: FakeClock
    let state: Mutex<State>
    private let base: Mutex<String>
    private let router: Router<Endpoint>

    /// Generates the data set from `configuration` and schedules its faults.
    package init(configuration: FakeConfiguration, clock: FakeClock = .system) {
        self.configuration = configuration
        self.clock = clock
        let data = DataSet(seed: configuration.seed, size: configuration.size)
        var initial = State(
            data: data, tokens: TokenStore(seed: configuration.seed),
            bucket: LeakyBucket(
                size: configuration.shopifyBucketSize, leakPerSecond: configuration.shopifyLeakPerSecond),
            woo: WooCommerceData(
                seed: configuration.seed, count: configuration.wooOrders, buyers: data.contactsWithEmail),
            crm: CRMState(configuration: configuration, now: clock.monotonicSeconds()))
        for fault in configuration.faults { initial.faults.add(fault) }
        state = Mutex(initial)
        base = Mutex(configuration.baseURL)
        var router = Router<Endpoint>()
        router.add("GET", "/admin/api/{version}/orders.json", .shopifyOrders)
        router.add("GET", "/admin/api/{version}/orders/{resource}", .shopifyOrder)
        router.add("POST", "/oauth/v2/token", .zohoToken)
        router.add("GET", "/crm/{version}/{module}", .zohoRecords)
        router.add("GET", "/api/users", .users)
        router.add("GET", "/api/users/{id}", .user)
        router.add("GET", "/wp-json/wc/v3/orders", .wooOrders)
        router.add("GET", "/wp-json/wc/v3/orders/{id}", .wooOrder)
        router.add("POST", "/_fake/woocommerce/mutate", .wooMutate)
        router.add("POST", "/_fake/faults", .addFaults)
        router.add("DELETE", "/_fake/faults", .clearFaults)
        router.add("POST", "/_fake/mutate", .mutate)
        router.add("POST", "/_fake/expire-tokens", .expireTokens)
        router.add("GET", "/_fake/stats", .stats)
        router.add("POST", "/_fake/reset-stats", .resetStats)
        router.add("GET", "/_fake/dataset", .dataset)
        CRMEndpoint.addRoutes(to: &router) { .crm($0) }
        self.router = router
    }

    /// Tells the service where clients reach it (`http://127.0.0.1:PORT`), once the port is known.
    package func listening(at baseURL: String) {
        base.withLock { $0 = baseURL }
    }

    /// `http://host:port`, for `Link` headers and Zoho's `api_domain`.
    var baseURL: String { base.withLock { $0 } }

    // MARK: - HTTPHandler

    package func preflight(_ head: HTTPRequestHead) -> HTTPResponse? { nil }

    package func handle(_ request: HTTPRequest) -> HTTPResponse {
        switch router.match(method: request.method, path: request.head.path) {
        case .notFound:
            return notFound(request.head.path)
        case .methodNotAllowed(let allowed):
            var response = JSON.response(405, text: "{\"errors\":\"Method Not Allowed\"}")
            response.headers.add("Allow", allowed.joined(separator: ", "))
            return response
        case .found(let endpoint, _, let parameters):
            var request = request
            request.parameters = parameters
            guard let provider = endpoint.provider else { return control(endpoint, request) }
            return serve(provider, endpoint, request)
        }
    }

    /// Applies a pending fault, else answers normally; counts either way.
    private func serve(_ provider: Provider, _ endpoint: Endpoint, _ request: HTTPRequest) -> HTTPResponse {
        let fault = state.withLock { $0.faults.take(for: provider) }
        if let fault, fault.kind == .slow {
            usleep(UInt32(fault.delayMilliseconds) * 1_000)
        }
        var response: HTTPResponse
        switch fault?.kind {
        case .status?: response = FaultResponse.status(fault?.status ?? 503, for: provider)
        case .rateLimit?: response = FaultResponse.rateLimited(retryAfter: fault?.retryAfterSeconds ?? 1, for: provider)
        case .drop?:
            state.withLock { $0.stats.record(provider, endpoint: endpoint.name, status: nil, fault: .drop) }
            crmDropped(provider, request)
            return FaultResponse.drop()
        default: response = answer(endpoint, request)
        }
        // Injected errors still show the bucket, as every Shopify answer does (without using a slot).
        if provider == .shopify, let kind = fault?.kind, kind == .status || kind == .rateLimit {
            let used = state.withLock { $0.bucket.used(now: clock.monotonicSeconds()) }
            response.headers.set("X-Shopify-Shop-Api-Call-Limit", "\(used)/\(configuration.shopifyBucketSize)")
        }
        if let kind = fault?.kind, kind == .status || kind == .rateLimit {
            crmInjected(provider, request, &response, fault: kind)
        }
        state.withLock {
            $0.stats.record(provider, endpoint: endpoint.name, status: response.status, fault: fault?.kind)
        }
        return fault?.kind == .truncate ? FaultResponse.truncated(response) : response
    }

    private func answer(_ endpoint: Endpoint, _ request: HTTPRequest) -> HTTPResponse {
        switch endpoint {
        case .shopifyOrders: shopifyOrders(request)
        case .shopifyOrder: shopifyOrder(request)
        case .zohoToken: zohoToken(request)
        case .zohoRecords: zohoRecords(request)
        case .users: users(request)
        case .user: user(request)
        case .wooOrders: wooCommerceOrders(request)
        case .wooOrder: wooCommerceOrder(request)
        case .crm(let endpoint): crmAnswer(endpoint, request)
        default: notFound(request.head.path)
        }
    }

    /// Unknown paths answer in the style of the API whose prefix they carry.
    private func notFound(_ path: Substring) -> HTTPResponse {
        if path.hasPrefix("/admin/") { return JSON.response(404, text: "{\"errors\":\"Not Found\"}") }
        if path.hasPrefix("/crm/") {
            return Refusal.zoho(
                404, "INVALID_URL_PATTERN", "Please check if the URL trying to access is a correct one"
            ).response
        }
        if path.hasPrefix("/wp-json/") {
            return Refusal.wooCommerce(404, "rest_no_route", "No route was found matching the URL and request method.")
                .response
        }
        if path.hasPrefix("/services/") { return Refusal.salesforceNotFound.response }
        if path.hasPrefix("/hubspot/") {
            return Refusal.hubSpotNotFound(correlationID: FaultResponse.injectedCorrelationID).response
        }
        return JSON.response(404, text: "{}")
    }

    package func protocolError(status: Int, detail: String) -> HTTPResponse {
        JSON.response(status, JSON.object([("error", .string(detail))]))
    }

    package func completed(_ exchange: CompletedExchange) {}
}
