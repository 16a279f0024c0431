/// A token bucket: `capacity` requests may go at once, then `refillPerSecond` more each second.
/// Pure: every question is asked with the time, so a test walks it with a fake clock.
package struct TokenBucket: Sendable, Equatable {
    package let capacity: Double
    package let refillPerSecond: Double
    /// Tokens at `updated`; below zero when requests were sent before their time (a debt to wait out).
    package private(set) var tokens: Double
    private var updated: Double?

    /// A full bucket. `capacity` at least 1; `refillPerSecond` above 0.
    package init(capacity: Double, refillPerSecond: Double) {
        self.capacity = max(1, capacity)
        self.refillPerSecond = max(refillPerSecond, 0.000_001)
        self.tokens = self.capacity
    }

    /// Tokens there would be at `now` (a clock that stepped back refills nothing).
    package func available(now: Double) -> Double {
        guard let updated, now > updated else { return tokens }
        return min(capacity, tokens + (now - updated) * refillPerSecond)
    }

    /// Seconds from `now` until a token is there (0: one is).
    package func delay(now: Double) -> Double {
        let available = available(now: now)
        return available >= 1 ? 0 : (1 - available) / refillPerSecond
    }

    /// Spends a token at `now` (sent without waiting, it leaves a debt).
    package mutating func take(now: Double) {
        settle(now: now)
        tokens -= 1
    }

    /// Keeps at most `count` tokens: the CRM says fewer requests remain in its window than the bucket
    /// holds (other clients share the account's limit).
    package mutating func limit(to count: Double, now: Double) {
        settle(now: now)
        tokens = min(tokens, max(count, 0))
    }

    private mutating func settle(now: Double) {
        tokens = available(now: now)
        if let updated, now < updated { return }
        updated = now
    }
}
