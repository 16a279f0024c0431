/// Shopify's REST rate limit: each request adds one to a bucket that leaks at a fixed rate; a request
/// that finds the bucket full is refused with 429 (no queueing). `X-Shopify-Shop-Api-Call-Limit`
/// shows `used/size` after the request.
struct LeakyBucket: Sendable {
    let size: Int
    let leakPerSecond: Double
    private var level = 0.0
    private var lastLeak: Double?

    init(size: Int, leakPerSecond: Double) {
        self.size = size
        self.leakPerSecond = leakPerSecond
    }

    /// The outcome of one request.
    enum Outcome: Equatable {
        /// Admitted; `used` calls are now in the bucket.
        case admitted(used: Int)
        /// Refused; a slot frees in `retryAfter` seconds.
        case refused(retryAfter: Double)
    }

    mutating func take(now: Double) -> Outcome {
        leak(now: now)
        // Whole calls count: a call leaks out completely before its slot frees.
        if Int(level.rounded(.up)) >= size {
            return .refused(retryAfter: (level - Double(size - 1)) / leakPerSecond)
        }
        level += 1
        return .admitted(used: Int(level.rounded(.up)))
    }

    /// Calls in the bucket now.
    mutating func used(now: Double) -> Int {
        leak(now: now)
        return Int(level.rounded(.up))
    }

    private mutating func leak(now: Double) {
        if let lastLeak { level = max(0, level - (now - lastLeak) * leakPerSecond) }
        lastLeak = now
    }

    /// `1.5` → "1.5", rounded up to a tenth (Retry-After as Shopify writes it: `2.0`).
    static func format(seconds: Double) -> String {
        let tenths = max(1, Int((seconds * 10).rounded(.up)))
        return "\(tenths / 10).\(tenths % 10)"
    }
}
