/// HubSpot's two limits for a private app (docs/customers.md §6): a rolling ten-second window and a
/// daily count, with the seven `X-HubSpot-RateLimit-*` headers every authenticated answer carries.
///
/// A refused request (429) takes no slot in the window, so a client that waits out the window gets
/// through, but it counts toward the day: HubSpot asks integrations to keep error responses under 5 % of
/// their daily requests, which counts them as requests (§A.4; whether the window counts them too is
/// UNCONFIRMED).
struct HubSpotRateLimit: Sendable {
    /// The window's length, as `X-HubSpot-RateLimit-Interval-Milliseconds` says.
    static let intervalMilliseconds = 10_000

    /// Which limit refused a request (`policyName`).
    enum Policy: String, Sendable {
        case tenSecondlyRolling = "TEN_SECONDLY_ROLLING"
        case daily = "DAILY"
    }

    private var window: RollingWindow
    private var day: DailyQuota

    init(perTenSeconds: Int, daily: Int, origin: Double) {
        window = RollingWindow(limit: perTenSeconds, seconds: Double(Self.intervalMilliseconds) / 1_000)
        day = DailyQuota(limit: daily, origin: origin)
    }

    /// Counts one authenticated request: nil when admitted, else the policy that refused it.
    mutating func take(now: Double) -> Policy? {
        defer { day.count(now: now) }
        if day.isExhausted(now: now) { return .daily }
        return window.admit(now: now) ? nil : .tenSecondlyRolling
    }

    /// Both limits start again (the control API's reset).
    mutating func reset() {
        window = RollingWindow(limit: window.limit, seconds: window.seconds)
        day.reset()
    }

    /// The per-second figures HubSpot reports: a tenth of the window (at least one).
    var secondlyLimit: Int { max(1, window.limit / 10) }

    /// The seven headers, as they stand after the request.
    mutating func headers(now: Double) -> [(String, String)] {
        let inWindow = window.count(now: now)
        let lastSecond = window.count(within: 1, now: now)
        return [
            ("X-HubSpot-RateLimit-Max", String(window.limit)),
            ("X-HubSpot-RateLimit-Remaining", String(max(0, window.limit - inWindow))),
            ("X-HubSpot-RateLimit-Interval-Milliseconds", String(Self.intervalMilliseconds)),
            ("X-HubSpot-RateLimit-Daily", String(day.limit)),
            ("X-HubSpot-RateLimit-Daily-Remaining", String(day.remaining(now: now))),
            ("X-HubSpot-RateLimit-Secondly", String(secondlyLimit)),
            ("X-HubSpot-RateLimit-Secondly-Remaining", String(max(0, secondlyLimit - lastSecond))),
        ]
    }
}
