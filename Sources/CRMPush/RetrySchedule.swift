/// When a delivery that failed transiently is tried again, and when it goes to the dead-letter queue
/// (docs/customers.md §9).
///
/// The default is Svix's published schedule: the first attempt at once, then retries after 5 s, 5 min,
/// 30 min, 2 h, 5 h, 10 h and 10 h (about 27.5 hours in all, so a CRM down for a day loses nothing),
/// then the dead-letter queue. Each wait is spread ±20 % by an injected random source, so deliveries that
/// failed together (a CRM outage) do not all come back in the same second. A dead-letter queue that never
/// fills is a known complaint: `maxAttempts` always ends the retries.
package struct RetrySchedule: Sendable, Equatable {
    /// Seconds before retry 1, 2, …; past the end the last one repeats.
    package var delays: [Double]
    /// Attempts in all, the first included; after that many failures the delivery is dead-lettered.
    package var maxAttempts: Int
    /// The spread of each wait, as a fraction of it (0.2: ±20 %).
    package var jitter: Double
    /// A CRM's Retry-After is honoured up to this many seconds (a hostile header cannot park a delivery
    /// for years).
    package var maxRetryAfter: Double

    package init(delays: [Double], maxAttempts: Int, jitter: Double = 0.2, maxRetryAfter: Double = 86_400) {
        self.delays = delays.isEmpty ? [0] : delays.map { max(0, $0) }
        self.maxAttempts = max(1, maxAttempts)
        self.jitter = min(max(jitter, 0), 1)
        self.maxRetryAfter = max(0, maxRetryAfter)
    }

    /// Svix's schedule: 8 attempts over about 27.5 hours.
    package static let standard = RetrySchedule(
        delays: [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000], maxAttempts: 8)

    /// What to do after a transient failure.
    package enum Decision: Sendable, Equatable {
        /// Try again this many seconds from now.
        case retry(after: Double)
        /// Give up: to the dead-letter queue with the last failure's reason.
        case deadLetter
    }

    /// The decision after `attempts` attempts (1: the first one failed). `unit` is a random number in
    /// [0, 1): 0 shortens the wait by `jitter`, 0.5 keeps it, near 1 lengthens it by `jitter`.
    /// `retryAfter`, the CRM's own word, is a lower bound (capped by `maxRetryAfter`).
    package func next(afterAttempts attempts: Int, unit: Double, retryAfter: Double? = nil) -> Decision {
        guard attempts < maxAttempts else { return .deadLetter }
        let base = delays[min(max(attempts - 1, 0), delays.count - 1)]
        let spread = (min(max(unit, 0), 1) * 2 - 1) * jitter
        let wait = base * (1 + spread)
        let floor = retryAfter.map { min(max($0, 0), maxRetryAfter) } ?? 0
        return .retry(after: max(wait, floor))
    }

    /// The same with a random number from `generator` (a seeded one in tests).
    package func next(
        afterAttempts attempts: Int, retryAfter: Double? = nil, using generator: inout some RandomNumberGenerator
    ) -> Decision {
        next(afterAttempts: attempts, unit: Double.random(in: 0..<1, using: &generator), retryAfter: retryAfter)
    }
}
