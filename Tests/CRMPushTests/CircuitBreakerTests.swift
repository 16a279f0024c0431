import CRMPush
import Testing

@Suite struct CircuitBreakerTests {
    static func breaker(threshold: Int = 3) -> CircuitBreaker {
        var configuration = CircuitBreaker.Configuration()
        configuration.failureThreshold = threshold
        configuration.coolDown = 10
        configuration.growth = 2
        configuration.maxCoolDown = 35
        return CircuitBreaker(configuration)
    }

    /// `allowRequest` mutates (it takes the half-open turn): called outside `#expect`.
    static func allow(_ breaker: inout CircuitBreaker, now: Double) -> Bool { breaker.allowRequest(now: now) }

    @Test func opensAfterKConsecutiveFailures() {
        var breaker = Self.breaker()
        breaker.record(.failed, now: 0)
        breaker.record(.failed, now: 1)
        #expect(breaker.state == .closed(failures: 2))
        #expect(Self.allow(&breaker, now: 1))
        breaker.record(.failed, now: 2)
        #expect(breaker.state == .open(until: 12))
        #expect(!Self.allow(&breaker, now: 11.9))
        #expect(breaker.delay(now: 5) == 7)
    }

    @Test func aSuccessResetsTheCount() {
        var breaker = Self.breaker()
        breaker.record(.failed, now: 0)
        breaker.record(.failed, now: 0)
        breaker.record(.succeeded, now: 0)
        breaker.record(.failed, now: 0)
        #expect(breaker.state == .closed(failures: 1))
    }

    /// After the cool-down one probe goes; others wait for its answer.
    @Test func halfOpenLetsOneProbeThrough() {
        var breaker = Self.breaker(threshold: 1)
        breaker.record(.failed, now: 0)
        #expect(Self.allow(&breaker, now: 10))
        #expect(breaker.state == .halfOpen(probing: true))
        #expect(!Self.allow(&breaker, now: 10))
        #expect(breaker.delay(now: 10) == 10)
        breaker.record(.succeeded, now: 11)
        #expect(breaker.state == .closed(failures: 0))
        #expect(breaker.openings == 0)
        #expect(Self.allow(&breaker, now: 11))
    }

    @Test func aFailedProbeReopensForLongerUpToTheMaximum() {
        var breaker = Self.breaker(threshold: 1)
        breaker.record(.failed, now: 0)
        #expect(breaker.state == .open(until: 10))
        var now = 10.0
        for expected in [20.0, 35, 35] {
            #expect(Self.allow(&breaker, now: now))
            breaker.record(.failed, now: now)
            #expect(breaker.state == .open(until: now + expected))
            now += expected
        }
    }

    @Test func aPauseOpensAtOnceForAtLeastItsLength() {
        var breaker = Self.breaker()
        breaker.record(.paused(seconds: 900), now: 100)
        #expect(breaker.state == .open(until: 1_000))
        #expect(!Self.allow(&breaker, now: 999))
        #expect(Self.allow(&breaker, now: 1_000))
        breaker.record(.paused(seconds: 1), now: 1_000)
        #expect(breaker.state == .open(until: 1_020))
    }

    @Test func lateFailuresWhileOpenChangeNothing() {
        var breaker = Self.breaker(threshold: 1)
        breaker.record(.failed, now: 0)
        breaker.record(.failed, now: 1)
        #expect(breaker.state == .open(until: 10))
        #expect(breaker.openings == 1)
    }

    @Test func pushResultsTellTheBreakerWhatHappened() {
        var result = CRMPushResult()
        #expect(result.breakerEvent == nil)
        result.outcomes[1] = .transient(reason: "x", retryAfter: nil)
        #expect(result.breakerEvent == .failed)
        result.outcomes[2] = .permanent(CRMRefusal(status: 400, code: "X", message: "y"))
        #expect(result.breakerEvent == .succeeded)
        result.pause = CRMPause(reason: "token", seconds: 5)
        #expect(result.breakerEvent == .paused(seconds: 5))
    }
}
