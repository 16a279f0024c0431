import HTTPServer
import OrderCore

/// Zoho CRM: `GET /crm/{version}/Contacts` with `Authorization: Zoho-oauthtoken …`, `fields`,
/// `page`/`per_page`, `page_token` (v3+), `sort_by`/`sort_order` and `If-Modified-Since`.
extension FakeProvidersService {
    static let zohoVersions: Set = ["v2", "v2.1", "v3", "v4", "v5", "v6", "v7", "v8"]
    static let zohoDefaultPerPage = 200
    static let zohoMaxPerPage = 200
    /// With `page`, records beyond this are out of reach (v3+).
    static let zohoPageReach = 2_000
    /// With `page_token`, records beyond this are out of reach.
    static let zohoTokenReach = 100_000
    static let zohoMaxFields = 50
    /// `page_token_expiry`: a token lives a day (docs/providers.md §2: 24 h, unconfirmed).
    static let zohoTokenLifeSeconds: Int64 = 86_400

    func zohoRecords(_ request: HTTPRequest) -> HTTPResponse {
        let version = request.parameters["version"] ?? ""
        guard Self.zohoVersions.contains(version) else {
            return Refusal.zoho(404, "INVALID_URL_PATTERN", "Please check if the URL trying to access is a correct one")
                .response
        }
        guard let authorization = request.headers["authorization"] else {
            return Refusal.zoho(401, "AUTHENTICATION_FAILURE", "Authentication failed").response
        }
        let now = clock.monotonicSeconds()
        let prefix = "Zoho-oauthtoken "
        let token = authorization.hasPrefix(prefix) ? String(authorization.dropFirst(prefix.count)) : ""
        guard state.withLock({ $0.tokens.isValid(token, now: now) }) else {
            return Refusal.zoho(401, "INVALID_TOKEN", "invalid oauth token").response
        }
        guard request.parameters["module"]?.lowercased() == "contacts" else {
            return Refusal.zoho(400, "INVALID_MODULE", "the module name given seems to be invalid").response
        }
        do throws(Refusal) {
            return try contactsPage(request, modern: version != "v2" && version != "v2.1")
        } catch {
            return error.response
        }
    }

    /// One page of contacts; `modern` is v3 and later (mandatory `fields`, `page_token`, the 2,000 reach).
    private func contactsPage(_ request: HTTPRequest, modern: Bool) throws(Refusal) -> HTTPResponse {
        guard let parameters = QueryString(request.head.query) else { throw .zohoInvalid("query") }
        let fields = parameters["fields"].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: " ") } }
        if modern && fields == nil {
            throw .zoho(
                400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing",
                details: [("param_name", .string("fields"))])
        }
        if let fields, fields.count > Self.zohoMaxFields {
            throw .zoho(
                400, "LIMIT_EXCEEDED", "the maximum number of fields is \(Self.zohoMaxFields)",
                details: [("param_name", .string("fields")), ("limit", JSON.int(Self.zohoMaxFields))])
        }
        let perPage = try Self.integer(
            parameters, "per_page", default: Self.zohoDefaultPerPage, max: Self.zohoMaxPerPage)
        var query = ZohoRecordQuery()
        if let value = parameters["sort_by"] {
            guard let field = ZohoRecordQuery.SortField(rawValue: value) else { throw .zohoInvalid("sort_by") }
            query.sortBy = field
        }
        if let value = parameters["sort_order"] {
            guard value == "asc" || value == "desc" else { throw .zohoInvalid("sort_order") }
            query.ascending = value == "asc"
        }
        if let header = request.headers["if-modified-since"] {
            guard let since = LocalTime.parse(header) else {
                throw .zoho(
                    400, "INVALID_DATA", "invalid data", details: [("header_name", .string("If-Modified-Since"))])
            }
            query.modifiedSince = since
        }
        let wallNow = clock.wallSeconds()
        var position: Int
        var page: Int
        if let token = parameters["page_token"] {
            guard modern else { throw .zohoInvalid("page_token") }
            guard parameters["page"] == nil else {
                throw .zohoInvalid("page", "page and page_token cannot be used together")
            }
            guard let decoded = ZohoRecordQuery.fromToken(token),
                wallNow < decoded.issued + Self.zohoTokenLifeSeconds
            else { throw .zohoInvalid("page_token", "invalid or expired page_token") }
            // The token fixes the sort and the filter; resending the same values is fine, others are not.
            if parameters["sort_by"] != nil && query.sortBy != decoded.query.sortBy { throw .zohoInvalid("sort_by") }
            if parameters["sort_order"] != nil && query.ascending != decoded.query.ascending {
                throw .zohoInvalid("sort_order")
            }
            if query.modifiedSince != nil && query.modifiedSince != decoded.query.modifiedSince {
                throw .zoho(
                    400, "INVALID_DATA", "invalid data", details: [("header_name", .string("If-Modified-Since"))])
            }
            query = decoded.query
            position = decoded.position
            guard position < Self.zohoTokenReach else {
                throw .zoho(400, "LIMIT_EXCEEDED", "cannot fetch more than \(Self.zohoTokenReach) records")
            }
            page = position / perPage + 1
        } else {
            page = try Self.integer(parameters, "page", default: 1, max: Int.max / (2 * Self.zohoMaxPerPage))
            if modern && page * perPage > Self.zohoPageReach {
                throw .zoho(
                    400, "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
                    "cannot fetch more than \(Self.zohoPageReach) records with page param. use page_token instead",
                    details: [("limit", JSON.int(Self.zohoPageReach))])
            }
            position = (page - 1) * perPage
        }
        let (records, total) = state.withLock { state in
            let selected = query.select(from: state.data.contacts)
            let slice = position < selected.count ? selected[position..<min(position + perPage, selected.count)] : []
            return (Array(slice), selected.count)
        }
        // No record in this page: 204 without a body (Zoho's answer, also to If-Modified-Since).
        guard !records.isEmpty else { return HTTPResponse(status: 204) }
        let more = position + records.count < total
        let next = modern && more ? query.token(position: position + records.count, issued: wallNow) : nil
        let previous =
            modern && parameters["page_token"] != nil && position > 0
            ? query.token(position: max(0, position - perPage), issued: wallNow) : nil
        let expiry = next != nil || previous != nil ? LocalTime.zoho(wallNow + Self.zohoTokenLifeSeconds) : nil
        let info = JSON.object([
            ("per_page", JSON.int(perPage)), ("count", JSON.int(records.count)), ("page", JSON.int(page)),
            ("more_records", .bool(more)), ("sort_by", .string(query.sortBy.rawValue)),
            ("sort_order", .string(query.ascending ? "asc" : "desc")), ("next_page_token", JSON.string(next)),
            ("previous_page_token", JSON.string(previous)), ("page_token_expiry", JSON.string(expiry)),
        ])
        let data = JSONValue.array(records.map { $0.json(fields: fields) })
        var response = JSON.response(200, JSON.object([("data", data), ("info", info)]))
        response.headers.set("Content-Type", "application/json;charset=UTF-8")
        return response
    }

    private static func integer(_ parameters: QueryString, _ name: String, default value: Int, max: Int)
        throws(Refusal) -> Int
    {
        guard let text = parameters[name] else { return value }
        guard let number = Int(text), number >= 1, number <= max else { throw .zohoInvalid(name) }
        return number
    }
}
