import Threads

/// Where the fake reads real time. Only rate limits and token lifetimes follow real time (as on the real
/// services); the data set never does. Tests can pass a manual clock.
package struct FakeClock: Sendable {
    /// Monotonic seconds, for the leaky bucket and token expiry.
    package var monotonicSeconds: @Sendable () -> Double
    /// Wall-clock seconds since 1970, only for `page_token_expiry`.
    package var wallSeconds: @Sendable () -> Int64

    /// A clock from its two readings.
    package init(monotonicSeconds: @escaping @Sendable () -> Double, wallSeconds: @escaping @Sendable () -> Int64) {
        self.monotonicSeconds = monotonicSeconds
        self.wallSeconds = wallSeconds
    }

    /// The machine's clocks.
    package static let system = FakeClock(
        monotonicSeconds: { Threads.monotonicSeconds() }, wallSeconds: { Threads.wallClockMilliseconds() / 1_000 })
}
