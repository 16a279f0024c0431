import SyncCore

/// Bounds on one CRM's exchanges, each with a documented default (docs/customers.md §8).
package struct CRMPushLimits: Sendable, Equatable {
    /// Upper bound of one request, connect to last byte.
    package var requestTimeout = 30.0
    /// The longest wait for the rate limiter done inside a push; a longer one ends the push with a pause,
    /// so the worker parks the CRM instead of holding a batch (and a task) for minutes.
    package var maxInlineWait = 15.0
    /// The largest answer body read (a 207 for 100 contacts is a few hundred KB).
    package var maxAnswerBytes = 4 * 1024 * 1024
    /// How long the CRM is paused when it refuses the credentials (a person must fix them; then the
    /// breaker's probe finds out).
    package var authPause = 900.0
    /// A CRM's Retry-After is honoured up to this many seconds.
    package var maxRetryAfter = 86_400.0

    package init() {}

    /// A Retry-After header in seconds, clamped (nil when absent or unreadable).
    func retryAfter(_ response: CRMResponse) -> Double? {
        RateLimitHeaders.retryAfterSeconds(response.header("retry-after")).map { min($0, maxRetryAfter) }
    }
}
