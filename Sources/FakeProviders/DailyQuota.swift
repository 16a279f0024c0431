/// A count of requests that starts again every 24 hours of the fake's monotonic clock, counted from the
/// service's start: HubSpot's daily limit resets at the account's midnight and Salesforce's is a rolling
/// 24 hours (docs/customers.md §6, §B.5); a fixed day from the start keeps both testable with an
/// injected clock (docs/fake-providers.md says so).
struct DailyQuota: Sendable {
    static let daySeconds = 86_400.0

    let limit: Int
    private let origin: Double
    private var day = 0
    private(set) var used = 0

    init(limit: Int, origin: Double) {
        self.limit = limit
        self.origin = origin
    }

    /// Requests left today (never below 0).
    mutating func remaining(now: Double) -> Int {
        roll(now: now)
        return max(0, limit - used)
    }

    /// Requests counted today.
    mutating func used(now: Double) -> Int {
        roll(now: now)
        return used
    }

    /// True when today's requests are all used.
    mutating func isExhausted(now: Double) -> Bool { remaining(now: now) == 0 }

    /// Counts one request.
    mutating func count(now: Double) {
        roll(now: now)
        used += 1
    }

    /// Starts the day again (the control API's reset).
    mutating func reset() { used = 0 }

    private mutating func roll(now: Double) {
        let today = Int(((now - origin) / Self.daySeconds).rounded(.down))
        if today != day {
            day = today
            used = 0
        }
    }
}
