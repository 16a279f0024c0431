import HTTPServer
import OrderCore

/// Salesforce's top-level REST errors: a JSON array `[{"message":…,"errorCode":…}]`
/// (docs/customers.md §7; per-record errors in collections use `statusCode` instead, §B.4).
extension Refusal {
    static func salesforce(_ status: Int, _ code: String, _ message: String) -> Refusal {
        Refusal(
            status: status,
            body: .array([JSON.object([("message", .string(message)), ("errorCode", .string(code))])]))
    }

    /// 401 for a missing, unknown or expired session (§B.5).
    static let salesforceInvalidSession = salesforce(401, "INVALID_SESSION_ID", "Session expired or invalid")

    /// 403 once the org's daily requests are used (§B.5).
    static let salesforceLimitExceeded = salesforce(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")

    /// 404 for a version, object or record that does not exist.
    static let salesforceNotFound = salesforce(404, "NOT_FOUND", "The requested resource does not exist")

    /// The code Salesforce gives a status, for injected faults (unlisted 4xx: `FAKE_FAULT`).
    static func salesforceFault(_ status: Int) -> Refusal {
        switch status {
        case 401: salesforceInvalidSession
        case 403: salesforceLimitExceeded
        case 404: salesforceNotFound
        case 503: salesforce(503, "SERVER_UNAVAILABLE", "Server Unavailable")
        case 500...:
            salesforce(
                status, "UNKNOWN_EXCEPTION",
                "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)"
            )
        default: salesforce(status, "FAKE_FAULT", HTTPStatus.reason(status))
        }
    }

    /// The token endpoint's OAuth error: `{"error":…,"error_description":…}` (§B.1).
    static func salesforceOAuth(_ status: Int, _ error: String, _ description: String) -> Refusal {
        Refusal(
            status: status,
            body: JSON.object([("error", .string(error)), ("error_description", .string(description))]))
    }
}
