import Foundation

/// Requests to the fake CRMs, for HubSpotTests and SalesforceTests.
extension FakeServer {
    static let hubSpotUpsertPath = "/hubspot/crm/v3/objects/contacts/batch/upsert"
    static let salesforceUpsertPath = "/services/data/v62.0/composite/sobjects/Contact/Ordersync_Id__c"

    /// `POST …/batch/upsert` with `body`, as the default token unless told otherwise.
    func hubSpotUpsert(_ body: String, token: String? = "pat-fake") throws -> RawResponse {
        try post(
            Self.hubSpotUpsertPath, body,
            headers: ["Content-Type: application/json"] + (token.map { ["Authorization: Bearer \($0)"] } ?? []))
    }

    /// `GET` or `DELETE …/contacts/{email}?idProperty=email`.
    func hubSpotContact(_ method: String, _ email: String, token: String = "pat-fake") throws -> RawResponse {
        let escaped =
            email.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["@", ".", "-"])) ?? email
        return try request(
            method, "/hubspot/crm/v3/objects/contacts/\(escaped)?idProperty=email",
            headers: ["Authorization: Bearer \(token)"])
    }

    /// A Salesforce access token from the client-credentials grant.
    func salesforceToken() throws -> String {
        let response = try post(
            "/services/oauth2/token",
            "grant_type=client_credentials&client_id=sf-fake-client&client_secret=sf-fake-secret",
            headers: ["Content-Type: application/x-www-form-urlencoded"])
        return response.object["access_token"] as? String ?? ""
    }

    /// `PATCH …/composite/sobjects/Contact/{field}` with `body`.
    func salesforceUpsert(_ body: String, token: String?, path: String = salesforceUpsertPath) throws -> RawResponse {
        try request(
            "PATCH", path,
            headers: ["Content-Type: application/json"] + (token.map { ["Authorization: Bearer \($0)"] } ?? []),
            body: body)
    }

    /// The live contacts one CRM holds, as `GET /_fake/crm/contacts` lists them.
    func crmContacts(_ provider: String) throws -> [[String: Any]] {
        try get("/_fake/crm/contacts?provider=\(provider)").object["contacts"] as? [[String: Any]] ?? []
    }

    /// The request log's entries after `since`.
    func crmRequests(_ query: String = "") throws -> [[String: Any]] {
        try get("/_fake/crm/requests?\(query)").object["entries"] as? [[String: Any]] ?? []
    }
}

/// Request bodies.
enum CRMBody {
    /// A HubSpot batch of upsert inputs by email, each with `properties` (a JSON object text).
    static func hubSpot(_ inputs: [(email: String, properties: String)]) -> String {
        let items = inputs.map { #"{"idProperty":"email","id":"\#($0.email)","properties":\#($0.properties)}"# }
        return #"{"inputs":["# + items.joined(separator: ",") + "]}"
    }

    /// A Salesforce collection of Contacts, each record a JSON object text without `attributes`.
    static func salesforce(_ records: [String], allOrNone: Bool = false) -> String {
        let items = records.map { #"{"attributes":{"type":"Contact"},"# + $0.dropFirst() }
        return #"{"allOrNone":\#(allOrNone),"records":["# + items.joined(separator: ",") + "]}"
    }
}

extension RawResponse {
    /// The body as a JSON array of objects (empty when it is not one).
    var objects: [[String: Any]] { (json as? [[String: Any]]) ?? [] }
}
