import HTTPServer
import OrderCore

/// Zoho Accounts: `POST /oauth/v2/token` with the refresh-token grant, parameters in the query string
/// or a form body.
///
/// Errors answer HTTP 200 with `{"error": code}`, as Zoho Accounts does (a captured exchange:
/// github.com/asciisd/zoho issue 6 shows `HTTP/1.1 200` with `{"error":"invalid_client"}`): a wrong
/// client id → `invalid_client`, a wrong secret → `invalid_client_secret`, a wrong or revoked refresh
/// token → `invalid_code`, another grant type → `unsupported_grant_type`.
extension FakeProvidersService {
    func zohoToken(_ request: HTTPRequest) -> HTTPResponse {
        guard let query = QueryString(request.head.query),
            let form = QueryString(Substring(String(decoding: request.body, as: UTF8.self)))
        else { return refuseToken("invalid_request") }
        func parameter(_ name: String) -> String? { query[name] ?? form[name] }
        guard parameter("grant_type") == "refresh_token" else { return refuseToken("unsupported_grant_type") }
        guard parameter("client_id") == configuration.zohoClientID else { return refuseToken("invalid_client") }
        guard parameter("client_secret") == configuration.zohoClientSecret else {
            return refuseToken("invalid_client_secret")
        }
        guard parameter("refresh_token") == configuration.zohoRefreshToken else { return refuseToken("invalid_code") }
        let now = clock.monotonicSeconds()
        let ttl = configuration.zohoTokenTTLSeconds
        let token = state.withLock { state in
            state.stats.tokensIssued += 1
            return state.tokens.issue(now: now, ttlSeconds: ttl)
        }
        return JSON.response(
            200,
            JSON.object([
                ("access_token", .string(token)), ("api_domain", .string(baseURL)), ("token_type", .string("Bearer")),
                ("expires_in", JSON.int(ttl)),
            ]))
    }

    private func refuseToken(_ code: String) -> HTTPResponse {
        state.withLock { $0.stats.tokenRefusals += 1 }
        return JSON.response(200, JSON.object([("error", .string(code))]))
    }
}
