import OrderCore
import SyncCore
import Threads

/// Zoho's OAuth refresh-token flow (docs/providers.md §2): an access token is fetched with the refresh
/// token, kept in memory only (never stored or logged), renewed a minute before it expires, and
/// renewed once more when the API says it is invalid.
package final class ZohoTokens {
    let accountsURL: String
    let clientID: String
    let clientSecret: String
    let refreshToken: String
    let client: ProviderClient
    private var current: (token: String, apiDomain: String?, expires: Double)?

    /// Renew this long before the announced expiry (clock skew, a slow request).
    static let margin = 60.0

    package init(
        accountsURL: String, clientID: String, clientSecret: String, refreshToken: String, client: ProviderClient
    ) {
        self.accountsURL = accountsURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.client = client
    }

    /// A valid access token and the API domain Zoho returned with it.
    func accessToken() async throws(SyncFailure) -> (token: String, apiDomain: String?) {
        if let current, Threads.monotonicSeconds() < current.expires - ZohoTokens.margin {
            return (current.token, current.apiDomain)
        }
        return try await refresh()
    }

    /// Forgets the token (the API refused it).
    func invalidate() { current = nil }

    private func refresh() async throws(SyncFailure) -> (token: String, apiDomain: String?) {
        // The secrets go in a form body, never in the URL, so no log or error can carry them.
        let form = QueryString.encode([
            ("grant_type", "refresh_token"), ("client_id", clientID), ("client_secret", clientSecret),
            ("refresh_token", refreshToken),
        ])
        let request = ProviderRequest(
            method: "POST", url: "\(accountsURL)/oauth/v2/token",
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array(form.utf8))
        let issued = Threads.monotonicSeconds()
        let response = try await client.send(request)
        let body: JSONValue
        do {
            body = try JSONParser.parse(response.body)
        } catch {
            throw client.failure(request, status: response.status, "token response is not JSON")
        }
        // Zoho reports a refused refresh as {"error": "invalid_code"} (status 200 or 400): the code is
        // safe to report, the request's secrets are not echoed.
        if case .string(let code)? = body["error"] {
            throw client.failure(request, status: response.status, "token refresh refused: \(code.prefix(64))")
        }
        guard response.status == 200, case .string(let token)? = body["access_token"], !token.isEmpty else {
            throw client.failure(request, status: response.status, "token refresh failed")
        }
        var lifetime = 3_600.0
        if case .number(let text)? = body["expires_in"], let seconds = Double(text), seconds > 0 { lifetime = seconds }
        var apiDomain: String?
        if case .string(let domain)? = body["api_domain"] { apiDomain = domain }
        current = (token, apiDomain, issued + lifetime)
        return (token, apiDomain)
    }
}
