/// The time the pushers, the rate limiter and the breaker go by, injected so tests run on a fake clock
/// that never sleeps (the house style: time you can inject).
///
/// Times are Unix seconds: HubSpot's daily limit resets at midnight of the account's time zone, and the
/// outbox keeps its next attempt as a wall-clock time. A clock that steps back only makes a wait longer.
package protocol CRMClock: Sendable {
    /// Now, in seconds since 1970-01-01T00:00:00Z.
    func now() -> Double
    /// Waits `seconds` (a test clock just moves on); returns early when the task is cancelled.
    func sleep(_ seconds: Double) async
}
