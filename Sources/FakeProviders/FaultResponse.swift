import HTTPServer
import OrderCore

/// The answers injected faults produce, each in the style of the provider it imitates.
enum FaultResponse {
    /// Rejected while streaming: the server then closes the connection.
    struct Abort: Error {}

    /// `status` with the provider's error body.
    static func status(_ status: Int, for provider: Provider) -> HTTPResponse {
        let reason = HTTPStatus.reason(status)
        switch provider {
        case .shopify:
            return JSON.response(status, JSON.object([("errors", .string(reason))]))
        case .zoho:
            let code = status >= 500 ? "INTERNAL_ERROR" : "INVALID_REQUEST"
            return Refusal.zoho(status, code, reason.lowercased()).response
        case .zohoToken, .customers:
            return JSON.response(status, JSON.object([("error", .string(reason))]))
        case .woocommerce:
            return Refusal.wooCommerce(status, "fake_fault", reason).response
        case .hubspot, .salesforce, .salesforceToken:
            return crmStatus(status, for: provider)
        }
    }

    /// 429 with `Retry-After` (one decimal for Shopify, as it writes `2.0`; whole seconds elsewhere).
    static func rateLimited(retryAfter: Double, for provider: Provider) -> HTTPResponse {
        var response: HTTPResponse
        var retry = String(Int(retryAfter.rounded(.up)))
        switch provider {
        case .shopify:
            response = shopifyRateLimited
            retry = LeakyBucket.format(seconds: retryAfter)
        case .zoho:
            response = Refusal.zoho(429, "TOO_MANY_REQUESTS", "too many requests").response
        case .zohoToken:
            response = JSON.response(
                429,
                JSON.object([
                    ("error", .string("Access Denied")),
                    (
                        "error_description",
                        .string("You have made too many requests continuously. Please try again after some time.")
                    ),
                ]))
        case .customers:
            response = JSON.response(429, text: "{\"error\":\"Too many requests, please try again later.\"}")
        case .woocommerce:
            // WooCommerce has no limit of its own; hosts in front of it answer 429 (docs/providers.md §3).
            response = Refusal.wooCommerce(429, "too_many_requests", "Too many requests.").response
        case .hubspot, .salesforce, .salesforceToken:
            response = crmRateLimited(for: provider)
        }
        response.headers.set("Retry-After", retry)
        return response
    }

    /// Shopify's 429 body.
    static var shopifyRateLimited: HTTPResponse {
        JSON.response(
            429,
            text:
                "{\"errors\":\"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.\"}"
        )
    }

    /// No answer at all: the stream fails before a byte is written, so the server closes the connection
    /// with the response head still unsent.
    static func drop() -> HTTPResponse {
        HTTPResponse(status: 200, body: .stream { _ in throw Abort() })
    }

    /// The full `Content-Length` announced, half the body sent, then the connection closed.
    static func truncated(_ response: HTTPResponse) -> HTTPResponse {
        guard case .bytes(let bytes) = response.body else { return response }
        var cut = response
        cut.headers.set("Content-Length", String(bytes.count))
        cut.body = .stream { sink in
            try sink.write(Array(bytes[0..<(bytes.count / 2)]))
            throw Abort()
        }
        return cut
    }
}
