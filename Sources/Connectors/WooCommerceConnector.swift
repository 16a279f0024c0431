package import OrderCore
package import SyncCore

/// WooCommerce REST v3 orders (docs/providers.md §3), the pull that backfills what webhooks missed
/// (WooCommerce neither retries a failed delivery nor sends every rapid update: docs/realtime.md §2).
/// `orderby=modified&order=asc&per_page=100&page=N&dates_are_gmt=true`, incremental on
/// `modified_after`; orders go through `RecordMapping.wooCommerceOrder`, the webhook's own mapping, so a
/// version a webhook stored is found unchanged here.
///
/// Paging restarts its window at the newest `date_modified_gmt` of each full page (page 1 again)
/// instead of only counting pages: an order modified during the run moves to the end of the list, and
/// with plain page numbers every later order would shift one place back and the first of the next
/// page would be skipped (and the cursor would pass it). Only a page whose orders all share the
/// window's second goes on to page N + 1.
package final class WooCommerceConnector: Connector {
    package let name = "woocommerce"
    /// `{WOOCOMMERCE_URL}/wp-json/wc/v3/orders`.
    let ordersURL: String
    /// `Basic base64(key:secret)`, built once.
    let authorization: String
    let client: ProviderClient

    /// WooCommerce's maximum (docs/providers.md §3).
    static let perPage = 100
    /// Pages within one window (orders sharing one second); the engine bounds the run's pages.
    static let maxPage = 1_000
    /// A page of 100 orders is some hundreds of kilobytes; more is not an orders page.
    package static let maxBodyBytes = 16 * 1_024 * 1_024

    /// HTTP Basic with the consumer key and secret, as WooCommerce documents for https (plain http
    /// needs OAuth 1.0a signatures instead: docs/providers.md §3). SyncConfiguration only accepts
    /// http:// for the local machine, where the fake takes Basic too.
    package init(url: String, consumerKey: String, consumerSecret: String, client: ProviderClient) {
        ordersURL = url + "/wp-json/wc/v3/orders"
        authorization = "Basic " + Base64.encode(Array("\(consumerKey):\(consumerSecret)".utf8))
        self.client = client
    }

    package var requests: Int { client.requests }
    package var retries: Int { client.retries }

    package func firstPosition(cursor: String?) -> JSONValue { Self.position(after: cursor, page: 1) }

    /// `{"after": stored time, "page": N}`; no `after` for a first full read.
    static func position(after: String?, page: Int) -> JSONValue {
        guard let after else { return .object(["page": .number(String(page))]) }
        return .object(["after": .string(after), "page": .number(String(page))])
    }

    package func fetch(_ position: JSONValue) async throws(SyncFailure) -> Page {
        guard case .number(let pageText)? = position["page"], let number = Int(pageText),
            (1...Self.maxPage).contains(number)
        else { throw .invalidPosition(name) }
        var after: String?
        switch position["after"] {
        case nil: after = nil
        case .string(let text)?: after = text
        default: throw .invalidPosition(name)
        }
        var query = [("orderby", "modified"), ("order", "asc"), ("per_page", String(Self.perPage)), ("page", pageText)]
        if let after {
            guard let bound = WooCommerceConnector.modifiedAfter(after) else { throw .invalidPosition(name) }
            query += [("modified_after", bound), ("dates_are_gmt", "true")]
        }
        let request = ProviderRequest(
            url: ordersURL + "?" + QueryString.encode(query),
            headers: [("Authorization", authorization), ("Accept", "application/json")])
        let response = try await client.send(request)
        guard response.status == 200 else { throw refused(response, request) }
        guard response.body.count <= Self.maxBodyBytes else {
            throw client.failure(
                request, status: 200, "response of \(response.body.count) bytes is too large for a page")
        }
        guard let totalText = response.header("X-WP-TotalPages"), let totalPages = Int(totalText), totalPages >= 0
        else {
            throw client.failure(request, status: 200, "response has no X-WP-TotalPages header")
        }
        guard case .array(let orders) = try parseBody(response, request, client: client) else {
            throw client.failure(request, status: 200, "response is not a JSON array of orders")
        }
        guard orders.count <= Self.perPage else {
            throw client.failure(request, status: 200, "\(orders.count) orders on a page of \(Self.perPage)")
        }
        var page = Page()
        var newest: String?
        for value in orders {
            do {
                let (record, order) = try RecordMapping.wooCommerceOrder(value)
                page.records.append(record)
                page.orders.append(order)
                newest = ProviderTime.later(newest, record.updatedAt)
            } catch {
                page.invalid.append(error.description)
            }
        }
        guard number < totalPages, !orders.isEmpty else { return page }
        if let newest, after.map({ newest > $0 }) ?? true {
            page.next = Self.position(after: newest, page: 1)
        } else if number < Self.maxPage {
            page.next = Self.position(after: after, page: number + 1)
        } else {
            throw client.failure(
                request, status: 200, "more than \(Self.maxPage) pages of orders modified in one second")
        }
        return page
    }

    /// `modified_after` for a stored time: WordPress's date query is exclusive (`>`), so the bound is one
    /// second before the cursor's whole second, which makes the cursor's own second come again
    /// (docs/providers.md §3); without an offset, read as UTC because of `dates_are_gmt=true`.
    package static func modifiedAfter(_ stored: String) -> String? {
        guard let whole = ProviderTime.filter(stored), let time = Timestamp(rfc3339: whole) else { return nil }
        var text = Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch - 1_000).secondsText
        guard text.hasSuffix("Z") else { return nil }
        text.removeLast()
        return text
    }

    /// A failure for a refused request, with WooCommerce's error code (`woocommerce_rest_authentication_error`,
    /// …) when the body has one: it names the cause and carries no secret.
    private func refused(_ response: ProviderResponse, _ request: ProviderRequest) -> SyncFailure {
        // Only a short identifier is quoted: a hostile body cannot fill the log or the summary.
        if response.body.count <= 4_096, case .string(let code)? = (try? JSONParser.parse(response.body))?["code"],
            (1...80).contains(code.utf8.count),
            code.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
            )
        {
            return client.failure(
                request, status: response.status, "unexpected HTTP status \(response.status) (\(code))")
        }
        return unexpected(response, request, client: client)
    }
}
