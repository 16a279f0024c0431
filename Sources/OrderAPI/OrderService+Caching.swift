import HTTPServer
import Storage

/// What caches may do with each answer, decided here and nowhere else (docs/contract.md §3, Caching):
/// the `Cache-Control` of every endpoint, the weak `ETag` of the readable resources and their `304`s
/// (RFC 9110 §13.1.2, §15.4.5), and the `Vary` fields of negotiated answers (RFC 9110 §12.5.5).
extension OrderService {
    /// How an endpoint's successful answers may be cached.
    enum CachePolicy {
        /// Stored, but revalidated on every use (`no-cache`), with an ETag. `dataDependent`: the
        /// representation follows the database (else only the process, e.g. the dashboard page).
        case revalidate(dataDependent: Bool)
        /// Never stored (`no-store`): live state (probes, metrics, sync) or a side effect.
        case noStore
    }

    static func cachePolicy(_ endpoint: Endpoint?) -> CachePolicy {
        switch endpoint {
        case .latest, .order, .views, .view: .revalidate(dataDependent: true)
        case .dashboard: .revalidate(dataDependent: false)
        case .ingest, .health, .readiness, .version, .metrics, .sync, .shopifyWebhook, .wooCommerceWebhook, .debeziumEvent,
            .hubSpotWebhook, nil:
            .noStore
        // The customers and the outbox change with every delivery, which no data generation counts.
        case .putCustomer, .patchCustomer, .deleteCustomer, .getCustomer, .postCustomer, .listCustomers, .outbox,
            .deadLetters, .redriveOne, .redriveAll:
            .noStore
        }
    }

    /// Runs `produce` under `If-None-Match`: a `304` when the client's validator is current, else the
    /// answer with its `ETag`. The validator is taken before the data is read, so a commit racing the
    /// read can only make it older than the data (the next request then sees a new one), never newer.
    func conditional(_ endpoint: Endpoint, _ request: HTTPRequest, produce: () -> HTTPResponse) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD",
            case .revalidate(let dataDependent) = OrderService.cachePolicy(endpoint),
            let etag = entityTag(endpoint, request, dataDependent: dataDependent)
        else { return produce() }
        let conditions = request.headers.values("if-none-match").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: " \t") }
        // Weak comparison (RFC 9110 §13.1.2, §13.1.2 If-None-Match): the opaque tags alone.
        if conditions.contains(where: { OrderService.opaque($0) == OrderService.opaque(etag) }) {
            return notModified(etag)
        }
        var response = produce()
        guard response.status == 200 else { return response }
        // `*` matches only when a current representation exists: known after producing it.
        if conditions.contains("*") { return notModified(etag) }
        response.headers.set("ETag", etag)
        return response
    }

    /// Sets `Cache-Control` and `Vary` on any answer, errors included (those are never stored).
    static func applyCaching(_ response: inout HTTPResponse, endpoint: Endpoint?) {
        let stored = response.status < 400 && { if case .revalidate = cachePolicy(endpoint) { true } else { false } }()
        response.headers.set("Cache-Control", stored ? "no-cache" : "no-store")
        // A 304 stands for the 200 it revalidates and must repeat its Vary (RFC 9110 §15.4.5).
        if response.status == 304 { response.headers.addVary("Accept-Encoding") }
        if endpoint == .view && response.status < 400 { response.headers.addVary("Accept") }
    }

    private func notModified(_ etag: String) -> HTTPResponse {
        var response = HTTPResponse(status: 304)
        response.headers.set("ETag", etag)
        return response
    }

    /// `W/"<process>-<data generation>-<hash of what shapes the answer>"`: the target, and for views
    /// the `Accept` field they negotiate on. Nil when the generation cannot be read (no validator then).
    private func entityTag(_ endpoint: Endpoint, _ request: HTTPRequest, dataDependent: Bool) -> String? {
        var generation = "0"
        if dataDependent {
            guard let current = try? store.dataGeneration() else { return nil }
            generation = current
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        var shape = Array(request.head.target.utf8)
        if endpoint == .view { shape += [0] + Array((request.headers["accept"] ?? "").utf8) }
        for byte in shape { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return "W/\"\(instanceNonce)-\(generation)-\(String(hash, radix: 16))\""
    }

    private static func opaque(_ tag: String) -> Substring {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : Substring(tag)
    }
}

extension HTTPHeaders {
    /// Adds a field name to `Vary` unless it is listed already (RFC 9110 §12.5.5).
    mutating func addVary(_ name: String) {
        let present = tokens("vary")
        guard !present.contains(name.lowercased()), !present.contains("*") else { return }
        set("Vary", (values("vary") + [name]).joined(separator: ", "))
    }
}
