import CRMPush
import TestSupport
import Testing

@Suite struct RetryScheduleTests {
    @Test func theStandardScheduleIsSvixs() {
        let schedule = RetrySchedule.standard
        let middle = (1...7).map { schedule.next(afterAttempts: $0, unit: 0.5) }
        #expect(middle == [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000].map { .retry(after: $0) })
        #expect(schedule.next(afterAttempts: 8, unit: 0.5) == .deadLetter)
        #expect(schedule.next(afterAttempts: 80, unit: 0.5) == .deadLetter)
    }

    /// Every wait stays within ±20 % of its step, whatever the random source says.
    @Test func jitterStaysWithinItsBounds() {
        let schedule = RetrySchedule.standard
        var generator = SeededGenerator(seed: 42)
        var low = Double.infinity
        var high = 0.0
        for _ in 0..<2_000 {
            for attempt in 1...7 {
                guard case .retry(let wait) = schedule.next(afterAttempts: attempt, using: &generator) else {
                    Issue.record("dead-lettered at attempt \(attempt)")
                    return
                }
                let step = schedule.delays[attempt - 1]
                #expect(wait >= step * 0.8 && wait <= step * 1.2)
                if attempt == 3 {
                    low = min(low, wait)
                    high = max(high, wait)
                }
            }
        }
        // The spread is used, not stuck at one end.
        #expect(low < 1_800 * 0.85 && high > 1_800 * 1.15)
        #expect(schedule.next(afterAttempts: 1, unit: 0) == .retry(after: 4))
        #expect(schedule.next(afterAttempts: 1, unit: 1) == .retry(after: 6))
        #expect(schedule.next(afterAttempts: 1, unit: -3) == .retry(after: 4))
        #expect(schedule.next(afterAttempts: 1, unit: .nan) != .deadLetter)
    }

    @Test func retryAfterIsALowerBoundCapped() {
        let schedule = RetrySchedule.standard
        #expect(schedule.next(afterAttempts: 1, unit: 0.5, retryAfter: 60) == .retry(after: 60))
        #expect(schedule.next(afterAttempts: 3, unit: 0.5, retryAfter: 60) == .retry(after: 1_800))
        #expect(schedule.next(afterAttempts: 1, unit: 0.5, retryAfter: 1e12) == .retry(after: 86_400))
        #expect(schedule.next(afterAttempts: 1, unit: 0.5, retryAfter: -5) == .retry(after: 5))
        #expect(schedule.next(afterAttempts: 8, unit: 0.5, retryAfter: 1) == .deadLetter)
    }

    @Test func aShortListRepeatsItsLastStepAndAttemptsAreConfigurable() {
        let schedule = RetrySchedule(delays: [1, 2], maxAttempts: 5, jitter: 0)
        #expect(
            (1...5).map { schedule.next(afterAttempts: $0, unit: 0.9) } == [
                .retry(after: 1), .retry(after: 2), .retry(after: 2), .retry(after: 2), .deadLetter,
            ])
        #expect(RetrySchedule(delays: [], maxAttempts: 0).next(afterAttempts: 1, unit: 0.5) == .deadLetter)
        #expect(RetrySchedule(delays: [], maxAttempts: 2).next(afterAttempts: 1, unit: 0.5) == .retry(after: 0))
    }
}
