package import OrderCore
package import SyncCore

/// The generic paginated customer source (docs/providers.md §5, reqres.in's shape): `page` from 1 to
/// `total_pages`, records in `data[]`, an optional `x-api-key`. It has no modified-since filter, so
/// every run reads every page; unchanged records are recognised and not stored again.
package final class CustomersConnector: Connector {
    package let name = "customers"
    let url: String
    let apiKey: String?
    let client: ProviderClient
    static let perPage = 100

    package init(url: String, apiKey: String?, client: ProviderClient) {
        self.url = url
        self.apiKey = apiKey
        self.client = client
    }

    package var requests: Int { client.requests }
    package var retries: Int { client.retries }

    package func firstPosition(cursor: String?) -> JSONValue { .object(["page": .number("1")]) }

    package func fetch(_ position: JSONValue) async throws(SyncFailure) -> Page {
        guard case .number(let text)? = position["page"], let number = Int(text), number >= 1 else {
            throw .invalidPosition(name)
        }
        var headers = [("Accept", "application/json")]
        if let apiKey { headers.append(("x-api-key", apiKey)) }
        let query = QueryString.encode([("page", text), ("per_page", String(CustomersConnector.perPage))])
        let request = ProviderRequest(url: QueryString.appending(query, to: url), headers: headers)
        let response = try await client.send(request)
        guard response.status == 200 else { throw unexpected(response, request, client: client) }
        let body = try parseBody(response, request, client: client)
        guard case .array(let users)? = body["data"] else {
            throw client.failure(request, status: 200, "response has no \"data\" array")
        }
        var page = Page()
        for value in users {
            do {
                page.records.append(try RecordMapping.customer(value))
            } catch {
                page.invalid.append(error.description)
            }
        }
        if case .number(let total)? = body["total_pages"], let totalPages = Int(total), number < totalPages,
            !users.isEmpty
        {
            page.next = .object(["page": .number(String(number + 1))])
        }
        return page
    }
}
