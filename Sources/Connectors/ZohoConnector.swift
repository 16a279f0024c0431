package import OrderCore
package import SyncCore

/// Zoho CRM contacts (docs/providers.md §2), API v8: named `fields`, oldest change first, 200 per page
/// by `page` for the first 2,000 records and by `page_token` beyond, incremental through
/// `If-Modified-Since` from the saved cursor; 204 / 304 mean nothing (more) to fetch.
package final class ZohoConnector: Connector {
    package let name = "zoho"
    /// ZOHO_API_URL; nil: the `api_domain` that comes with the access token.
    let apiURL: String?
    let tokens: ZohoTokens
    let client: ProviderClient

    static let fields = "First_Name,Last_Name,Full_Name,Email,Phone,Account_Name,Created_Time,Modified_Time"
    static let perPage = 200
    /// `page` reaches only the first 2,000 records; beyond, `page_token` is required.
    static let pageLimit = 2_000 / perPage

    package init(apiURL: String?, tokens: ZohoTokens, client: ProviderClient) {
        self.apiURL = apiURL
        self.tokens = tokens
        self.client = client
    }

    package var requests: Int { client.requests + tokens.client.requests }
    package var retries: Int { client.retries + tokens.client.retries }

    package func firstPosition(cursor: String?) -> JSONValue {
        .object(["since": cursor.flatMap(ProviderTime.filter).map(JSONValue.string) ?? .null, "page": .number("1")])
    }

    package func fetch(_ position: JSONValue) async throws(SyncFailure) -> Page {
        var query: [(String, String)] = [
            ("fields", ZohoConnector.fields), ("per_page", String(ZohoConnector.perPage)),
            ("sort_by", "Modified_Time"), ("sort_order", "asc"),
        ]
        var pageNumber: Int?
        if case .string(let token)? = position["page_token"] {
            query.append(("page_token", token))
        } else if case .number(let text)? = position["page"], let number = Int(text), number >= 1 {
            pageNumber = number
            query.append(("page", text))
        } else {
            throw .invalidPosition(name)
        }
        var since: String?
        if case .string(let text)? = position["since"] { since = text }

        var (response, request) = try await get(query: query, since: since)
        if response.status == 401 {
            // An expired or revoked access token: renew it once and ask again.
            tokens.invalidate()
            (response, request) = try await get(query: query, since: since)
        }
        var page = Page()
        switch response.status {
        case 204, 304: return page
        case 200: break
        default: throw unexpected(response, request, client: client)
        }
        let body = try parseBody(response, request, client: client)
        guard case .array(let contacts)? = body["data"] else {
            throw client.failure(request, status: 200, "response has no \"data\" array")
        }
        for value in contacts {
            do {
                page.records.append(try RecordMapping.zohoContact(value))
            } catch {
                page.invalid.append(error.description)
            }
        }
        guard body["info"]?["more_records"] == .bool(true), !contacts.isEmpty else { return page }
        let sinceValue = since.map(JSONValue.string) ?? .null
        if let pageNumber, pageNumber < ZohoConnector.pageLimit {
            page.next = .object(["since": sinceValue, "page": .number(String(pageNumber + 1))])
        } else if case .string(let token)? = body["info"]?["next_page_token"], !token.isEmpty {
            page.next = .object(["since": sinceValue, "page_token": .string(token)])
        } else {
            throw client.failure(request, status: 200, "more records beyond 2,000 but no next_page_token")
        }
        return page
    }

    private func get(query: [(String, String)], since: String?) async throws(SyncFailure)
        -> (ProviderResponse, ProviderRequest)
    {
        let access = try await tokens.accessToken()
        let base = apiURL ?? access.apiDomain ?? ""
        var headers = [("Authorization", "Zoho-oauthtoken \(access.token)"), ("Accept", "application/json")]
        if let since { headers.append(("If-Modified-Since", since)) }
        let request = ProviderRequest(url: "\(base)/crm/v8/Contacts?\(QueryString.encode(query))", headers: headers)
        guard base.hasPrefix("https://") || base.hasPrefix("http://") else {
            throw client.failure(request, status: nil, attempts: 0, "no API URL (set ZOHO_API_URL)")
        }
        return (try await client.send(request), request)
    }
}
