import HTTPServer
import OrderCore

/// Injected fault answers of the fake CRMs, each in its own error shape (docs/fake-providers.md).
extension FaultResponse {
    /// The correlation id of injected HubSpot errors (they have no request state to draw one from).
    static let injectedCorrelationID = "00000000-0000-4000-8000-00000000fa17"

    /// `status` with the CRM's error body.
    static func crmStatus(_ status: Int, for provider: Provider) -> HTTPResponse {
        switch provider {
        case .hubspot:
            return Refusal.hubSpot(
                status, Refusal.hubSpotCategory(status), HTTPStatus.reason(status),
                correlationID: injectedCorrelationID
            ).response
        case .salesforce:
            return Refusal.salesforceFault(status).response
        default:
            // The token endpoint: Salesforce answers a server error with `unknown_error`.
            return status >= 500
                ? Refusal.salesforceOAuth(status, "unknown_error", "retry your request").response
                : Refusal.salesforceOAuth(status, "invalid_request", HTTPStatus.reason(status)).response
        }
    }

    /// 429 in the CRM's shape (Retry-After is added by the caller). Salesforce signals its own limits
    /// with 403 `REQUEST_LIMIT_EXCEEDED` (§B.5); an injected 429 uses that code in its error array.
    static func crmRateLimited(for provider: Provider) -> HTTPResponse {
        switch provider {
        case .hubspot:
            return Refusal.hubSpotRateLimited(.tenSecondlyRolling, correlationID: injectedCorrelationID).response
        case .salesforce:
            return Refusal.salesforce(429, "REQUEST_LIMIT_EXCEEDED", "Too many requests.").response
        default:
            return Refusal.salesforceOAuth(429, "rate_limit_exceeded", "Too many requests.").response
        }
    }
}
