import Synchronization

/// Sends one request to a CRM at the pace its limiter allows and shows the limiter every answer's
/// rate-limit headers. Shared by both pushers; the clock is injected, so tests never sleep.
package final class CRMExchange: Sendable {
    let transport: any CRMTransport
    let clock: any CRMClock
    let limits: CRMPushLimits
    private let limiter: Mutex<CRMRateLimiter>

    package init(transport: any CRMTransport, clock: any CRMClock, limiter: CRMRateLimiter, limits: CRMPushLimits) {
        self.transport = transport
        self.clock = clock
        self.limiter = Mutex(limiter)
        self.limits = limits
    }

    /// The limiter as it stands (for metrics and tests).
    package var limiterState: CRMRateLimiter { limiter.withLock { $0 } }

    /// What came of a request.
    enum Result: Sendable {
        case answer(CRMResponse)
        /// No answer (network, timeout, cancelled): transient.
        case failed(String)
        /// Not sent: the limiter wants a longer wait than a push may spend.
        case mustWait(CRMPause)
    }

    /// Waits for the limiter's turn, then sends. `paced: false` skips the limiter (a token request goes
    /// to the login server, which is not the API's quota). `timeout` and `maxWait` replace the limits'
    /// `requestTimeout` and `maxInlineWait` for a caller with less time (a webhook's contact read).
    func send(
        _ request: CRMRequest, paced: Bool = true, timeout: Double? = nil, maxWait: Double? = nil
    ) async -> Result {
        if paced {
            // A few rounds at most: another push may take the turn this one waited for.
            var rounds = 0
            while true {
                let now = clock.now()
                let (delay, reason) = limiter.withLock { ($0.delay(now: now), $0.reason(now: now)) }
                // Below a millisecond is no wait: a clock read in milliseconds never sees it pass, and
                // four such rounds would pause the CRM for nothing (docs/customers.md §8).
                if delay < Self.negligibleWait { break }
                rounds += 1
                if delay > (maxWait ?? limits.maxInlineWait) || rounds > 4 {
                    return .mustWait(CRMPause(reason: "rate limit: \(reason)", seconds: delay))
                }
                await clock.sleep(delay)
                if Task.isCancelled { return .failed("cancelled") }
            }
            let now = clock.now()
            limiter.withLock { $0.spend(now: now) }
        }
        let response: CRMResponse
        do {
            response = try await transport.send(request, timeout: timeout ?? limits.requestTimeout)
        } catch {
            return .failed("no answer: \(CRMText.clip(error.description, limit: 200))")
        }
        let now = clock.now()
        limiter.withLock { $0.observe(response.headers, now: now) }
        return .answer(response)
    }

    /// Sends one request of a push: the answer, counted in `result.requests`; or nil once `result` says
    /// what came of it (the limiter's wait too long: a pause; no answer: `ids` transient). Both pushers'
    /// first step for every request.
    func send(_ request: CRMRequest, settling ids: [Int64], into result: inout CRMPushResult) async -> CRMResponse? {
        switch await send(request) {
        case .mustWait(let pause):
            result.pause = pause
            return nil
        case .failed(let reason):
            result.requests += 1
            result.settle(ids, .transient(reason: reason, retryAfter: nil))
            return nil
        case .answer(let response):
            result.requests += 1
            return response
        }
    }

    /// Waits shorter than this (seconds) are not waited for.
    static let negligibleWait = 0.001

    /// No request before `until` (a 429's window).
    func block(until: Double, reason: String) {
        limiter.withLock { $0.block(until: until, reason: reason) }
    }

    func now() -> Double { clock.now() }
}
