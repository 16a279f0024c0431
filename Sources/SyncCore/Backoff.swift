/// Retry delays: exponential with jitter, capped (so many clients retrying at once spread out).
package struct Backoff: Sendable {
    /// Delay before the first retry, in seconds.
    package var base: Double
    /// No delay exceeds this.
    package var maximum: Double

    package init(base: Double = 0.5, maximum: Double = 30) {
        self.base = base
        self.maximum = maximum
    }

    /// The delay before retry number `retry` (1 = first retry); `unit` is a random number in [0, 1).
    /// "Equal jitter": half the exponential delay is kept, the other half is random.
    package func delay(retry: Int, unit: Double) -> Double {
        let exponent = Double(min(max(retry - 1, 0), 30))
        let full = min(maximum, base * pow2(exponent))
        return full / 2 + full / 2 * min(max(unit, 0), 1)
    }

    private func pow2(_ exponent: Double) -> Double {
        var value = 1.0
        for _ in 0..<Int(exponent) { value *= 2 }
        return value
    }
}
