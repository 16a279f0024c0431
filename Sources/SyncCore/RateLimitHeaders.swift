/// The rate-limit signals providers send back.
package enum RateLimitHeaders {
    /// `Retry-After` in seconds: delta-seconds (RFC 9110 §10.2.3), also with a fraction as Shopify
    /// sends it (`2.0`); nil for an HTTP-date or anything unreadable (the caller backs off instead).
    package static func retryAfterSeconds(_ value: String?) -> Double? {
        guard let value, let seconds = Double(value.trimmingSpaces()), seconds.isFinite, seconds >= 0 else {
            return nil
        }
        return seconds
    }

    /// `X-Shopify-Shop-Api-Call-Limit: used/size` (e.g. `32/40`).
    package static func shopifyCallLimit(_ value: String?) -> (used: Int, size: Int)? {
        guard let value else { return nil }
        let parts = value.trimmingSpaces().split(separator: "/")
        guard parts.count == 2, let used = Int(parts[0]), let size = Int(parts[1]), size > 0, used >= 0 else {
            return nil
        }
        return (used, size)
    }

    /// How long to pause so Shopify's leaky bucket stays below `fill` of its size, given that it leaks
    /// `leakPerSecond` requests per second (2/s on the standard plan, docs/providers.md §1). Zero when there
    /// is room.
    package static func shopifyPause(used: Int, size: Int, fill: Double = 0.75, leakPerSecond: Double = 2) -> Double {
        let threshold = Double(size) * fill
        guard Double(used) > threshold, leakPerSecond > 0 else { return 0 }
        return (Double(used) - threshold) / leakPerSecond
    }
}

extension String {
    func trimmingSpaces() -> String {
        let spaces: Set<Character> = [" ", "\t"]
        return String(drop { spaces.contains($0) }.reversed().drop { spaces.contains($0) }.reversed())
    }
}
