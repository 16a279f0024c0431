/// One CRM's pace: a token bucket sized from configuration, slowed further by what the CRM's headers say
/// (docs/customers.md §8). Pure: it answers "how long until the next request may go",
/// given now; the exchange waits that long (on the injected clock) or, when it is too long, pauses the CRM.
package struct CRMRateLimiter: Sendable, Equatable {
    /// The sizes of the bucket and the thresholds; defaults per CRM below.
    package struct Configuration: Sendable, Equatable {
        /// Requests that may go at once.
        package var burst: Double
        /// Requests per second after the burst.
        package var perSecond: Double
        /// When a CRM's rolling window has this many requests left or fewer, wait for the window.
        package var lowRemaining = 2
        /// Requests per day this service may spend (nil: the CRM's own limit alone counts); checked
        /// against the CRM's reported usage and against the requests counted here per UTC day.
        package var dailyCap: Int?
        /// Requests of the CRM's daily limit left to others (other apps share the account's quota).
        package var dailyReserve = 0
        /// How long to wait when a daily quota is spent and the CRM does not say when it resets
        /// (Salesforce counts over a rolling 24 hours: an hour frees some).
        package var quotaPause = 3_600.0
        /// The account's offset from UTC in seconds: HubSpot's daily limit resets at the account's midnight.
        package var utcOffset = 0

        package init(burst: Double, perSecond: Double) {
            self.burst = burst
            self.perSecond = perSecond
        }

        /// HubSpot: 100 requests per 10 s for the smallest tier, paced like the official SDK
        /// (`minTime` 1000/9 ms, i.e. 9 per second) with a burst of 10.
        package static let hubSpot = Configuration(burst: 10, perSecond: 9)

        /// Salesforce: 25 requests per second (its limit is a daily org quota); the cap from
        /// configuration.
        package static let salesforce = Configuration(burst: 25, perSecond: 25)
    }

    package let configuration: Configuration
    package private(set) var bucket: TokenBucket
    /// No request before this time (a 429's window, a spent quota).
    package private(set) var blockedUntil: Double = 0
    /// Why `blockedUntil` is set (for the pause's reason).
    package private(set) var blockReason = ""
    /// Requests counted on `day` (UTC days since 1970, shifted by `utcOffset`).
    private var day = 0
    private var spentToday = 0

    package init(_ configuration: Configuration) {
        self.configuration = configuration
        self.bucket = TokenBucket(capacity: configuration.burst, refillPerSecond: configuration.perSecond)
    }

    /// Seconds from `now` until the next request may go (0: at once).
    package func delay(now: Double) -> Double {
        var wait = max(bucket.delay(now: now), blockedUntil - now)
        if let cap = configuration.dailyCap, dayNumber(now) == day, spentToday >= cap {
            wait = max(wait, Self.nextMidnight(after: now, utcOffset: configuration.utcOffset) - now)
        }
        return max(0, wait)
    }

    /// Why the next request waits, in words (the bucket, a window, the daily cap).
    package func reason(now: Double) -> String {
        if blockedUntil > now, !blockReason.isEmpty { return blockReason }
        if let cap = configuration.dailyCap, dayNumber(now) == day, spentToday >= cap {
            return "daily cap of \(cap) requests reached"
        }
        return "request rate"
    }

    /// A request goes at `now`.
    package mutating func spend(now: Double) {
        bucket.take(now: now)
        let today = dayNumber(now)
        if today != day {
            day = today
            spentToday = 0
        }
        spentToday += 1
    }

    /// No request before `until` (a 429 window, Retry-After, a spent quota). Never shortens a block.
    package mutating func block(until: Double, reason: String) {
        guard until > blockedUntil else { return }
        blockedUntil = until
        blockReason = reason
    }

    /// Reads an answer's rate-limit headers (HubSpot's and Salesforce's; each CRM sends only its own).
    package mutating func observe(_ headers: [String: String], now: Double) {
        if let window = CRMLimitHeaders.hubSpotWindow(headers) {
            bucket.limit(to: Double(window.remaining), now: now)
            if window.remaining <= configuration.lowRemaining {
                block(until: now + (window.interval ?? 10), reason: "HubSpot's rolling window is nearly spent")
            }
        }
        if let daily = CRMLimitHeaders.hubSpotDailyRemaining(headers), daily <= configuration.dailyReserve {
            block(
                until: Self.nextMidnight(after: now, utcOffset: configuration.utcOffset),
                reason: "HubSpot's daily limit is spent")
        }
        if let usage = CRMLimitHeaders.salesforceUsage(headers) {
            let limit = min(usage.limit, configuration.dailyCap ?? usage.limit)
            if usage.used >= limit - configuration.dailyReserve {
                block(until: now + configuration.quotaPause, reason: "Salesforce's daily API quota is spent")
            }
        }
    }

    private func dayNumber(_ now: Double) -> Int {
        Int(((now + Double(configuration.utcOffset)) / 86_400).rounded(.down))
    }

    /// The first midnight after `now` in a time zone `utcOffset` seconds east of UTC (HubSpot's daily
    /// reset: the account's time zone; a daylight-saving change shifts it by an hour at most).
    package static func nextMidnight(after now: Double, utcOffset: Int) -> Double {
        let local = now + Double(utcOffset)
        return ((local / 86_400).rounded(.down) + 1) * 86_400 - Double(utcOffset)
    }
}
