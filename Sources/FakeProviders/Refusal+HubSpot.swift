import OrderCore

/// HubSpot's error bodies (docs/customers.md §6, docs/providers.md §4): `{"status":"error","message":…,
/// "correlationId":…,"category":…}`, and the 429 shape with `errorType` and `policyName`.
extension Refusal {
    /// The portal id the fake reports in property errors.
    static let hubSpotPortalID = 4_242_424

    /// A plain HubSpot error.
    static func hubSpot(_ status: Int, _ category: String, _ message: String, correlationID: String) -> Refusal {
        Refusal(
            status: status,
            body: JSON.object([
                ("status", .string("error")), ("message", .string(message)),
                ("correlationId", .string(correlationID)), ("category", .string(category)),
            ]))
    }

    /// 401 for a missing or wrong token (the message HubSpot gives private-app calls without credentials).
    static func hubSpotUnauthenticated(correlationID: String) -> Refusal {
        hubSpot(
            401, "INVALID_AUTHENTICATION",
            "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
            correlationID: correlationID)
    }

    /// 404 for a contact that does not exist (or is archived).
    static func hubSpotNotFound(correlationID: String) -> Refusal {
        hubSpot(404, "OBJECT_NOT_FOUND", "resource not found", correlationID: correlationID)
    }

    /// 400 for a body that is not the expected JSON or breaks a batch rule.
    static func hubSpotValidation(_ message: String, correlationID: String) -> Refusal {
        hubSpot(400, "VALIDATION_ERROR", message, correlationID: correlationID)
    }

    /// 429 in HubSpot's rate-limit shape; `policyName` names the limit hit (§A.4).
    static func hubSpotRateLimited(_ policy: HubSpotRateLimit.Policy, correlationID: String) -> Refusal {
        let message =
            policy == .daily
            ? "You have reached your daily limit." : "You have reached your ten_secondly_rolling limit."
        return Refusal(
            status: 429,
            body: JSON.object([
                ("status", .string("error")), ("message", .string(message)), ("errorType", .string("RATE_LIMIT")),
                ("correlationId", .string(correlationID)), ("policyName", .string(policy.rawValue)),
            ]))
    }

    /// The category HubSpot gives a status, for injected faults (5xx categories are UNCONFIRMED).
    static func hubSpotCategory(_ status: Int) -> String {
        switch status {
        case 400: "VALIDATION_ERROR"
        case 401: "INVALID_AUTHENTICATION"
        case 403: "MISSING_SCOPES"
        case 404: "OBJECT_NOT_FOUND"
        case 409: "CONFLICT"
        case 429: "RATE_LIMITS"
        case 500...: "INTERNAL_ERROR"
        default: "VALIDATION_ERROR"
        }
    }
}
