import HTTPServer
import OrderCore

/// Shopify Admin REST: `GET /admin/api/{version}/orders.json` (cursor paging through `Link`),
/// `orders/count.json` and `orders/{id}.json`, behind the access token and the leaky bucket.
extension FakeProvidersService {
    /// `limit` default and maximum (docs/providers.md §1).
    static let shopifyDefaultLimit = 50
    static let shopifyMaxLimit = 250
    /// With `page_info`, only these may accompany it.
    static let pageInfoCompanions: Set = ["page_info", "limit", "fields"]

    func shopifyOrders(_ request: HTTPRequest) -> HTTPResponse {
        let version = request.parameters["version"] ?? ""
        return shopifyGate(request) { (parameters: QueryString, data: DataSet) throws(Refusal) -> HTTPResponse in
            let limit = try Self.shopifyLimit(parameters)
            let fields = parameters["fields"].map {
                Set($0.split(separator: ",").map { $0.trimmingCharacters(in: " ") })
            }
            var query: ShopifyOrderQuery
            var selected: [FakeOrder]
            var page: ArraySlice<FakeOrder>
            var hasNext: Bool
            var hasPrevious: Bool
            if let pageInfo = parameters["page_info"] {
                if let other = parameters.names.first(where: { !Self.pageInfoCompanions.contains($0) }) {
                    let message =
                        "\(other) cannot be passed when page_info is present. See https://shopify.dev/api/usage/pagination-rest for more information."
                    throw Refusal(status: 400, body: JSON.object([(other, .string(message))]))
                }
                guard let cursor = ShopifyOrderQuery.fromCursor(pageInfo) else { throw Refusal.shopify("page_info") }
                query = cursor.query
                selected = query.select(from: data.orders)
                if cursor.forward {
                    let start = selected.firstIndex {
                        cursor.anchor.precedes(query.key($0), ascending: query.ascending)
                    }
                    page = selected[(start ?? selected.endIndex)...].prefix(limit)
                } else {
                    let end = selected.firstIndex { !query.key($0).precedes(cursor.anchor, ascending: query.ascending) }
                    page = selected[..<(end ?? selected.endIndex)].suffix(limit)
                }
                hasPrevious = page.startIndex > selected.startIndex
            } else {
                if parameters["page"] != nil {
                    throw Refusal.shopify(
                        "page",
                        "page cannot be passed. See https://shopify.dev/api/usage/pagination-rest for more information."
                    )
                }
                query = try ShopifyOrderQuery(parameters: parameters)
                selected = query.select(from: data.orders)
                page = selected.prefix(limit)
                hasPrevious = false
            }
            hasNext = page.endIndex < selected.endIndex
            var response = JSON.response(200, JSON.object([("orders", .array(page.map { $0.json(fields: fields) }))]))
            var links: [String] = []
            let url =
                "\(baseURL)/admin/api/\(version)/orders.json?limit=\(limit)"
                + (parameters["fields"].map { "&fields=" + QueryString.encode($0) } ?? "") + "&page_info="
            if hasNext, let last = page.last {
                links.append("<\(url)\(query.cursor(forward: true, anchor: query.key(last)))>; rel=\"next\"")
            }
            if hasPrevious, let first = page.first {
                links.append("<\(url)\(query.cursor(forward: false, anchor: query.key(first)))>; rel=\"previous\"")
            }
            if !links.isEmpty { response.headers.add("Link", links.joined(separator: ", ")) }
            return response
        }
    }

    /// `orders/count.json` (same filters) and `orders/{id}.json`.
    func shopifyOrder(_ request: HTTPRequest) -> HTTPResponse {
        let resource = request.parameters["resource"] ?? ""
        return shopifyGate(request) { (parameters: QueryString, data: DataSet) throws(Refusal) -> HTTPResponse in
            let notFound = Refusal(status: 404, body: JSON.object([("errors", .string("Not Found"))]))
            guard resource.hasSuffix(".json") else { throw notFound }
            if resource == "count.json" {
                let query = try ShopifyOrderQuery(parameters: parameters)
                return JSON.response(200, JSON.object([("count", JSON.int(data.orders.filter(query.matches).count))]))
            }
            let fields = parameters["fields"].map {
                Set($0.split(separator: ",").map { $0.trimmingCharacters(in: " ") })
            }
            guard let id = Int64(resource.dropLast(5)), let order = data.orders.first(where: { $0.id == id }) else {
                throw notFound
            }
            return JSON.response(200, JSON.object([("order", order.json(fields: fields))]))
        }
    }

    /// What every Shopify call goes through: version, token, bucket; then `body` with the parameters and
    /// the data (under the lock); the call-limit header on the way out.
    private func shopifyGate(
        _ request: HTTPRequest, _ body: (QueryString, DataSet) throws(Refusal) -> HTTPResponse
    ) -> HTTPResponse {
        guard Self.isAPIVersion(request.parameters["version"] ?? "") else {
            return JSON.response(404, text: "{\"errors\":\"Not Found\"}")
        }
        guard request.headers["x-shopify-access-token"] == configuration.shopifyToken else {
            return JSON.response(
                401,
                text: "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong password)\"}")
        }
        let now = clock.monotonicSeconds()
        let size = configuration.shopifyBucketSize
        return state.withLock { state in
            var response: HTTPResponse
            switch state.bucket.take(now: now) {
            case .refused(let retryAfter):
                response = FaultResponse.shopifyRateLimited
                response.headers.set("Retry-After", LeakyBucket.format(seconds: retryAfter))
            case .admitted:
                do throws(Refusal) {
                    guard let parameters = QueryString(request.head.query) else { throw Refusal.shopify("query") }
                    response = try body(parameters, state.data)
                } catch {
                    response = error.response
                }
            }
            response.headers.set("X-Shopify-Shop-Api-Call-Limit", "\(state.bucket.used(now: now))/\(size)")
            response.headers.set("X-Shopify-API-Version", request.parameters["version"] ?? "")
            return response
        }
    }

    private static func shopifyLimit(_ parameters: QueryString) throws(Refusal) -> Int {
        guard let text = parameters["limit"] else { return shopifyDefaultLimit }
        guard let limit = Int(text), limit >= 1 else { throw Refusal.shopify("limit") }
        guard limit <= shopifyMaxLimit else {
            throw Refusal.shopify("limit", "must be less than or equal to \(shopifyMaxLimit)")
        }
        return limit
    }

    /// `YYYY-MM` of a quarterly release (January, April, July, October), or `unstable`.
    static func isAPIVersion(_ text: String) -> Bool {
        if text == "unstable" { return true }
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), year >= 2019,
            parts[1].count == 2, let month = Int(parts[1])
        else { return false }
        return [1, 4, 7, 10].contains(month)
    }
}
