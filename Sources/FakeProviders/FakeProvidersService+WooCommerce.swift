import HTTPServer
import OrderCore

/// WooCommerce REST v3 (docs/providers.md §3): `GET /wp-json/wc/v3/orders` and `orders/{id}` behind
/// HTTP Basic with the consumer key and secret, and `POST /_fake/woocommerce/mutate` for tests.
extension FakeProvidersService {
    /// `per_page` default and maximum (docs/providers.md §3).
    static let wooDefaultPerPage = 10
    static let wooMaxPerPage = 100

    func wooCommerceOrders(_ request: HTTPRequest) -> HTTPResponse {
        wooCommerceGate(request) { (parameters: QueryString, woo: WooCommerceData) throws(Refusal) -> HTTPResponse in
            let query = try WooOrderQuery(parameters)
            let selected = query.select(from: woo.orders)
            let start = query.offset ?? (query.page - 1).multipliedReportingOverflow(by: query.perPage).partialValue
            let page =
                start >= 0 && start < selected.count ? selected[start..<min(start + query.perPage, selected.count)] : []
            let totalPages = (selected.count + query.perPage - 1) / query.perPage
            var response = JSON.response(200, .array(page.map(\.json)))
            response.headers.set("X-WP-Total", String(selected.count))
            response.headers.set("X-WP-TotalPages", String(totalPages))
            // WordPress links the neighbouring pages with the request's own parameters.
            let others = parameters.pairs.filter { $0.name != "page" }
                .map { QueryString.encode($0.name) + "=" + QueryString.encode($0.value) }
            let base = "\(baseURL)/wp-json/wc/v3/orders?" + others.map { $0 + "&" }.joined() + "page="
            var links: [String] = []
            if query.page > 1 { links.append("<\(base)\(min(query.page - 1, max(totalPages, 1)))>; rel=\"prev\"") }
            if totalPages > query.page { links.append("<\(base)\(query.page + 1)>; rel=\"next\"") }
            if !links.isEmpty { response.headers.add("Link", links.joined(separator: ", ")) }
            return response
        }
    }

    func wooCommerceOrder(_ request: HTTPRequest) -> HTTPResponse {
        let id = request.parameters["id"].flatMap { Int64($0) }
        return wooCommerceGate(request) { (_: QueryString, woo: WooCommerceData) throws(Refusal) -> HTTPResponse in
            guard let order = woo.orders.first(where: { $0.id == id }) else {
                throw Refusal.wooCommerce(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
            }
            return JSON.response(200, order.json)
        }
    }

    /// `{"orders": N}`: N orders move on, all in one second; answers their ids and that time.
    func wooCommerceMutate(_ body: [UInt8]) -> HTTPResponse {
        guard let value = try? JSONParser.parse(body), case .number(let text)? = value["orders"],
            let count = Int(text), (0...Self.maxMutation).contains(count)
        else {
            return JSON.response(400, JSON.object([("error", .string("expected {\"orders\": 0…\(Self.maxMutation)}"))]))
        }
        let (ids, modified) = state.withLock { $0.woo.mutate(count: count) }
        return JSON.response(
            200,
            JSON.object([
                ("changed_orders", .array(ids.map(JSON.int))),
                ("date_modified_gmt", .string(FakeWooOrder.time(modified, offset: 0))),
            ]))
    }

    /// Authentication (HTTP Basic, or the `consumer_key` / `consumer_secret` query parameters WooCommerce
    /// takes over https when a server strips `Authorization`), then `body` under the lock.
    private func wooCommerceGate(
        _ request: HTTPRequest, _ body: (QueryString, WooCommerceData) throws(Refusal) -> HTTPResponse
    ) -> HTTPResponse {
        do throws(Refusal) {
            guard let parameters = QueryString(request.head.query) else {
                throw Refusal.wooCommerce(400, "rest_invalid_param", "Invalid parameter(s): query")
            }
            var credentials: (key: String, secret: String)?
            if let header = request.headers["authorization"], header.lowercased().hasPrefix("basic "),
                let decoded = Base64.decode(String(header.dropFirst(6))),
                let text = String(validating: decoded, as: UTF8.self), let colon = text.firstIndex(of: ":")
            {
                credentials = (String(text[..<colon]), String(text[text.index(after: colon)...]))
            } else if let key = parameters["consumer_key"], let secret = parameters["consumer_secret"] {
                credentials = (key, secret)
            }
            guard let credentials else {
                throw Refusal.wooCommerce(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
            }
            guard credentials.key == configuration.wooCommerceKey else {
                throw Refusal.wooCommerce(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.")
            }
            guard credentials.secret == configuration.wooCommerceSecret else {
                throw Refusal.wooCommerce(401, "woocommerce_rest_authentication_error", "Consumer secret is invalid.")
            }
            return try state.withLock { state throws(Refusal) in try body(parameters, state.woo) }
        } catch {
            return error.response
        }
    }
}

extension Refusal {
    /// WooCommerce's (WordPress's) error shape: `{"code":…,"message":…,"data":{"status":N}}`.
    static func wooCommerce(_ status: Int, _ code: String, _ message: String, params: [(String, JSONValue)] = [])
        -> Refusal
    {
        var data: [(String, JSONValue)] = [("status", JSON.int(status))]
        if !params.isEmpty { data.append(("params", JSON.object(params))) }
        return Refusal(
            status: status,
            body: JSON.object([("code", .string(code)), ("message", .string(message)), ("data", JSON.object(data))]))
    }

    /// WordPress's 400 for a parameter that fails its schema.
    static func wooInvalid(_ parameter: String, _ reason: String) -> Refusal {
        wooCommerce(
            400, "rest_invalid_param", "Invalid parameter(s): \(parameter)", params: [(parameter, .string(reason))])
    }
}
