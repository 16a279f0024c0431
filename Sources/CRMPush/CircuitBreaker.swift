/// One CRM's circuit breaker (docs/customers.md §9): after
/// `failureThreshold` consecutive transient failures, or at once on a pause (token refused, quota spent),
/// it opens and no request goes for a cool-down that doubles with every opening in a row, up to a
/// maximum. Then it is half-open: one request may go; its success closes the breaker, its failure opens it
/// again for longer. So a CRM that is down gets a probe now and then instead of the whole outbox.
///
/// A pure state machine: every question comes with the time (Unix seconds, the injected clock).
package struct CircuitBreaker: Sendable, Equatable {
    /// How quickly it opens and how long it stays open.
    package struct Configuration: Sendable, Equatable {
        /// Consecutive transient failures that open the breaker.
        package var failureThreshold = 5
        /// The first cool-down, in seconds.
        package var coolDown = 30.0
        /// Each opening in a row multiplies the cool-down by this.
        package var growth = 2.0
        /// No cool-down is longer.
        package var maxCoolDown = 3_600.0

        package init() {}
    }

    package enum State: Sendable, Equatable {
        /// Requests go; `failures` transient failures in a row so far.
        case closed(failures: Int)
        /// No request until `until`.
        case open(until: Double)
        /// One probe may go; `probing` once it has.
        case halfOpen(probing: Bool)
    }

    /// What a push told about the CRM (`CRMPushResult.breakerEvent`).
    package enum Event: Sendable, Equatable {
        /// The CRM answered about a record (delivered or refused it): it works.
        case succeeded
        /// Only transient failures (network, 5xx, 429, unreadable answers).
        case failed
        /// The CRM must not be called for `seconds` (token refused, quota spent).
        case paused(seconds: Double)
    }

    package let configuration: Configuration
    package private(set) var state: State = .closed(failures: 0)
    /// Openings since the breaker was last closed by a success: the cool-down grows with them.
    package private(set) var openings = 0

    package init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Whether a request may go at `now`; taking the half-open probe turn when it is one. Call it once
    /// per request (or batch) about to be sent.
    package mutating func allowRequest(now: Double) -> Bool {
        switch state {
        case .closed: return true
        case .open(let until):
            guard now >= until else { return false }
            state = .halfOpen(probing: true)
            return true
        case .halfOpen(let probing):
            if probing { return false }
            state = .halfOpen(probing: true)
            return true
        }
    }

    /// Seconds from `now` until a request may go (0: now). A half-open breaker whose probe is out waits
    /// for its answer: that is reported as the first cool-down.
    package func delay(now: Double) -> Double {
        switch state {
        case .closed: return 0
        case .open(let until): return max(0, until - now)
        case .halfOpen(let probing): return probing ? configuration.coolDown : 0
        }
    }

    /// Records what a request (or batch) found.
    package mutating func record(_ event: Event, now: Double) {
        switch (event, state) {
        case (.succeeded, _):
            state = .closed(failures: 0)
            openings = 0
        case (.failed, .closed(let failures)):
            if failures + 1 >= configuration.failureThreshold {
                open(now: now, atLeast: 0)
            } else {
                state = .closed(failures: failures + 1)
            }
        case (.failed, .halfOpen):
            open(now: now, atLeast: 0)
        case (.failed, .open):
            break  // an answer to a request sent before the breaker opened
        case (.paused(let seconds), _):
            open(now: now, atLeast: seconds)
        }
    }

    private mutating func open(now: Double, atLeast seconds: Double) {
        var coolDown = configuration.coolDown
        for _ in 0..<min(openings, 64) { coolDown *= configuration.growth }
        coolDown = min(coolDown, configuration.maxCoolDown)
        openings += 1
        let until = now + max(coolDown, seconds)
        if case .open(let current) = state, current > until { return }
        state = .open(until: until)
    }
}
