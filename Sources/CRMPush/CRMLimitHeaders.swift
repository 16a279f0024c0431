/// The rate-limit headers HubSpot and Salesforce send with every answer, read strictly (a value that
/// is not a plain non-negative integer is ignored, never guessed at).
/// Facts and sources: docs/customers.md §8.
package enum CRMLimitHeaders {
    /// HubSpot's rolling window: `X-HubSpot-RateLimit-Remaining`, `-Max`, `-Interval-Milliseconds`.
    package struct HubSpotWindow: Sendable, Equatable {
        package let remaining: Int
        package let max: Int?
        /// The window's length in seconds (10 for the burst limit), when sent.
        package let interval: Double?
    }

    /// The rolling window HubSpot reports, nil when `-Remaining` is absent or unreadable.
    /// (`-Secondly-Remaining` is the older name of the same count.)
    package static func hubSpotWindow(_ headers: [String: String]) -> HubSpotWindow? {
        guard
            let remaining = integer(headers["x-hubspot-ratelimit-remaining"])
                ?? integer(headers["x-hubspot-ratelimit-secondly-remaining"])
        else { return nil }
        return HubSpotWindow(
            remaining: remaining, max: integer(headers["x-hubspot-ratelimit-max"]), interval: hubSpotInterval(headers))
    }

    /// `X-HubSpot-RateLimit-Interval-Milliseconds` in seconds (10 for the burst window), nil when absent,
    /// zero or unreadable.
    package static func hubSpotInterval(_ headers: [String: String]) -> Double? {
        guard let milliseconds = integer(headers["x-hubspot-ratelimit-interval-milliseconds"]), milliseconds > 0 else {
            return nil
        }
        return Double(milliseconds) / 1000
    }

    /// `X-HubSpot-RateLimit-Daily-Remaining` (private-app tokens only; OAuth calls do not get it).
    package static func hubSpotDailyRemaining(_ headers: [String: String]) -> Int? {
        integer(headers["x-hubspot-ratelimit-daily-remaining"])
    }

    /// `Sforce-Limit-Info: api-usage=N/M` (the org's usage and limit over 24 hours). Other entries
    /// (`api-bursts=…`, `per-app-api-usage=…(appName=…)`) are skipped; the key must be exactly
    /// `api-usage`.
    package static func salesforceUsage(_ headers: [String: String]) -> (used: Int, limit: Int)? {
        guard let value = headers["sforce-limit-info"], value.utf8.count <= 1024 else { return nil }
        for entry in value.split(whereSeparator: { $0 == ";" || $0 == "," }) {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingSpaces() == "api-usage" else { continue }
            let numbers = parts[1].split(separator: "/", omittingEmptySubsequences: false)
            guard numbers.count == 2, let used = integer(String(numbers[0])), let limit = integer(String(numbers[1])),
                limit > 0
            else { return nil }
            return (used, limit)
        }
        return nil
    }

    /// A non-negative decimal integer of at most 12 digits (no sign, no fraction), spaces around allowed.
    static func integer(_ value: String?) -> Int? {
        guard let text = value?.trimmingSpaces(), !text.isEmpty, text.utf8.count <= 12,
            text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return Int(text)
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
