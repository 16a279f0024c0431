import Crypto
import HTTPServer
import OrderCore

/// Salesforce's OAuth 2.0 client-credentials flow (docs/customers.md §7): `POST
/// /services/oauth2/token` with a form body `grant_type=client_credentials&client_id=…&client_secret=…`.
/// Errors answer 400 with `{"error":…,"error_description":…}`: an unknown `client_id` is
/// `invalid_client_id`, a wrong secret `invalid_client`, another grant `unsupported_grant_type`.
extension FakeProvidersService {
    func salesforceToken(_ request: HTTPRequest) -> HTTPResponse {
        guard let form = QueryString(Substring(String(decoding: request.body, as: UTF8.self))),
            let query = QueryString(request.head.query)
        else { return Refusal.salesforceOAuth(400, "invalid_request", "malformed request").response }
        func parameter(_ name: String) -> String? { form[name] ?? query[name] }
        let salesforce = configuration.salesforce
        guard parameter("grant_type") == "client_credentials" else {
            return Refusal.salesforceOAuth(400, "unsupported_grant_type", "grant type not supported").response
        }
        guard parameter("client_id") == salesforce.clientID else {
            return Refusal.salesforceOAuth(400, "invalid_client_id", "client identifier invalid").response
        }
        guard parameter("client_secret") == salesforce.clientSecret else {
            return Refusal.salesforceOAuth(400, "invalid_client", "invalid client credentials").response
        }
        let now = clock.monotonicSeconds()
        let token = state.withLock {
            $0.crm.salesforceTokens.issue(orgID: SalesforceID.org, now: now, ttlSeconds: salesforce.tokenTTLSeconds)
        }
        let issuedAt = String(clock.wallSeconds() * 1_000)
        let identity = "\(baseURL)/id/\(SalesforceID.org)/\(SalesforceID.user)"
        // Salesforce signs the identity URL and issue time with the consumer secret, so a client can
        // check the answer came from its org (base64 HMAC-SHA256).
        let key = SymmetricKey(data: Array(salesforce.clientSecret.utf8))
        let signature = Base64.encode(
            Array(HMAC<SHA256>.authenticationCode(for: Array((identity + issuedAt).utf8), using: key)))
        return JSON.response(
            200,
            JSON.object([
                ("access_token", .string(token)), ("instance_url", .string(baseURL)), ("id", .string(identity)),
                ("token_type", .string("Bearer")), ("issued_at", .string(issuedAt)), ("signature", .string(signature)),
                ("scope", .string("api")), ("token_format", .string("opaque")),
            ]))
    }
}
