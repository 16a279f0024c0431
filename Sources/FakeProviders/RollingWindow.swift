/// Requests admitted in the last `seconds` (a rolling window, as HubSpot's `TEN_SECONDLY_ROLLING` policy,
/// docs/customers.md §6). Keeps one timestamp per admitted request, so memory is bounded by `limit`.
struct RollingWindow: Sendable {
    let limit: Int
    let seconds: Double
    /// Admission times, oldest first, from `start` on (the prefix is dropped lazily).
    private var times: [Double] = []
    private var start = 0

    init(limit: Int, seconds: Double) {
        self.limit = limit
        self.seconds = seconds
    }

    /// Admitted requests still inside the window at `now`.
    mutating func count(now: Double) -> Int {
        prune(now: now)
        return times.count - start
    }

    /// Admitted requests within the last `interval` seconds (for the per-second headers).
    func count(within interval: Double, now: Double) -> Int {
        var count = 0
        var index = times.count - 1
        while index >= start && times[index] > now - interval {
            count += 1
            index -= 1
        }
        return count
    }

    /// Takes a slot when one is free; false when the window is full.
    mutating func admit(now: Double) -> Bool {
        guard count(now: now) < limit else { return false }
        times.append(now)
        return true
    }

    /// Seconds until the oldest admission leaves the window (0 when a slot is free).
    mutating func secondsUntilFree(now: Double) -> Double {
        guard count(now: now) >= limit else { return 0 }
        return max(0, times[start] + seconds - now)
    }

    private mutating func prune(now: Double) {
        while start < times.count && times[start] <= now - seconds { start += 1 }
        // Compact once the dead prefix outweighs the live part: amortised O(1) per request.
        if start > 64 && start * 2 > times.count {
            times.removeFirst(start)
            start = 0
        }
    }
}
