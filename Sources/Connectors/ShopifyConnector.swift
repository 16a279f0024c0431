package import OrderCore
package import SyncCore

/// Shopify Admin REST orders (docs/providers.md §1): `status=any` (the default `open` would miss closed
/// and cancelled orders), `limit=250`, oldest change first, incremental on `updated_at_min` from the
/// saved cursor, then cursor pages through the `Link` header's `rel="next"` URL, used as given.
package final class ShopifyConnector: Connector {
    package let name = "shopify"
    /// Scheme, host and port of the shop: a next-page URL elsewhere is refused (the token stays home).
    let shopURL: String
    let apiVersion: String
    let token: String
    let client: ProviderClient
    /// Leak rate assumed for the call-limit bucket (standard plan: 2 requests per second).
    let leakPerSecond: Double

    package init(shopURL: String, apiVersion: String, token: String, client: ProviderClient, leakPerSecond: Double = 2)
    {
        self.shopURL = shopURL
        self.apiVersion = apiVersion
        self.token = token
        self.client = client
        self.leakPerSecond = leakPerSecond
    }

    package var requests: Int { client.requests }
    package var retries: Int { client.retries }

    package func firstPosition(cursor: String?) -> JSONValue {
        var query: [(String, String)] = [("status", "any"), ("limit", "250"), ("order", "updated_at asc")]
        if let cursor, let since = ProviderTime.filter(cursor) { query.append(("updated_at_min", since)) }
        let url = "\(shopURL)/admin/api/\(apiVersion)/orders.json?\(QueryString.encode(query))"
        return .object(["url": .string(url)])
    }

    package func fetch(_ position: JSONValue) async throws(SyncFailure) -> Page {
        guard case .string(let url)? = position["url"], url.hasPrefix(shopURL + "/") else {
            throw .invalidPosition(name)
        }
        let request = ProviderRequest(
            url: url, headers: [("X-Shopify-Access-Token", token), ("Accept", "application/json")])
        let response = try await client.send(request)
        guard response.status == 200 else { throw unexpected(response, request, client: client) }
        let body = try parseBody(response, request, client: client)
        guard case .array(let orders)? = body["orders"] else {
            throw client.failure(request, status: 200, "response has no \"orders\" array")
        }
        var page = Page()
        for value in orders {
            do {
                let (record, order) = try RecordMapping.shopifyOrder(value)
                page.records.append(record)
                page.orders.append(order)
            } catch {
                page.invalid.append(error.description)
            }
        }
        if let link = response.header("Link"), let next = LinkHeader.target(link, relation: "next") {
            guard next.hasPrefix(shopURL + "/") else {
                throw client.failure(request, status: 200, "next page link leaves the shop's host")
            }
            page.next = .object(["url": .string(next)])
        }
        if page.next != nil { try await slowDown(response, request) }
        return page
    }

    /// Reads the call-limit header and pauses before the bucket is full, instead of running into 429s.
    private func slowDown(_ response: ProviderResponse, _ request: ProviderRequest) async throws(SyncFailure) {
        guard let limit = RateLimitHeaders.shopifyCallLimit(response.header("X-Shopify-Shop-Api-Call-Limit")) else {
            return
        }
        let pause = RateLimitHeaders.shopifyPause(used: limit.used, size: limit.size, leakPerSecond: leakPerSecond)
        try await client.sleep(pause, request: request, attempts: client.lastAttempts)
    }
}
