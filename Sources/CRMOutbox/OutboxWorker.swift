package import CRMPush
package import Logging
import OrderCore
package import Storage
import Synchronization

/// Delivers one CRM's outbox (docs/customers.md §3, §10): takes each customer's newest pending version,
/// pushes the batch, settles every delivery in one transaction — delivered, retried on the schedule,
/// or dead-lettered with the CRM's message — and only then takes the next batch, so for one customer
/// nothing is in flight twice and no version overtakes an earlier one. One worker per CRM across every
/// instance sharing the database: it delivers only while it holds the store's lease.
package final class OutboxWorker: Sendable {
    package let crm: String
    let store: any CustomerStorage
    let pusher: any CRMPushing
    let clock: any CRMClock
    let schedule: RetrySchedule
    let metrics: OutboxMetrics
    let logger: Logger
    /// Seconds between looks at an empty outbox (a change wakes the worker sooner: `wake()`).
    let idleSeconds: Double
    /// Seconds between tries for the lease another instance holds.
    let standbySeconds: Double
    private let state: Mutex<State>

    private struct State {
        var breaker: CircuitBreaker
        var generator: SystemRandomNumberGenerator
        var stopped = false
        var lease: (any DeliveryLease)?
        /// Set by `wake()`: something was queued since the worker last looked.
        var woken = false
    }

    package init(
        crm: String, store: any CustomerStorage, pusher: any CRMPushing, clock: any CRMClock,
        schedule: RetrySchedule = .standard, breaker: CircuitBreaker.Configuration = .init(), metrics: OutboxMetrics,
        logger: Logger, idleSeconds: Double = 0.25, standbySeconds: Double = 5
    ) {
        self.crm = crm
        self.store = store
        self.pusher = pusher
        self.clock = clock
        self.schedule = schedule
        self.metrics = metrics
        self.logger = logger
        self.idleSeconds = idleSeconds
        self.standbySeconds = standbySeconds
        state = Mutex(State(breaker: CircuitBreaker(breaker), generator: SystemRandomNumberGenerator()))
    }

    /// What one round did.
    package enum Round: Equatable, Sendable {
        /// Nothing due.
        case idle
        /// Pushed `due` deliveries; settled the others' fate in the store (`unsent` kept their place).
        case pushed(due: Int, delivered: Int, retried: Int, dead: Int, unsent: Int)
        /// The breaker is open (or its probe is out): no request for `seconds`.
        case waiting(seconds: Double)
        /// Another instance holds the lease.
        case standby
        /// The store failed; nothing was settled (the deliveries stay pending).
        case storeFailed(String)
    }

    /// One round: the lease, the breaker, the due deliveries, one push, the settlement.
    package func round() async -> Round {
        guard holdsLease() else { return .standby }
        let now = clock.now()
        let wait = state.withLock { $0.breaker.delay(now: now) }
        if wait > 0 { return .waiting(seconds: wait) }
        let due: [OutboxItem]
        do {
            due = try store.dueDeliveries(crm: crm, now: Self.text(now), limit: pusher.batchSize)
        } catch {
            return .storeFailed("\(error)")
        }
        if due.isEmpty { return .idle }
        guard state.withLock({ $0.breaker.allowRequest(now: now) }) else {
            return .waiting(seconds: state.withLock { $0.breaker.delay(now: now) })
        }
        let deliveries = due.map {
            CRMDelivery(
                id: $0.deliveryID, customerID: $0.customerID, version: $0.version, customer: $0.customer,
                lastEmail: $0.lastEmail)
        }
        let result: CRMPushResult
        do {
            result = try await pusher.push(deliveries)
        } catch {
            // The store hands out one version per customer; a push refusing that is a bug to see, not to
            // retry in a loop: the CRM is paused like any other pause.
            logger.error("outbox push refused", metadata: ["crm": .string(crm), "error": .string("\(error)")])
            state.withLock { $0.breaker.record(.paused(seconds: 60), now: now) }
            return .waiting(seconds: 60)
        }
        let settledAt = clock.now()
        var settlements: [OutboxSettlement] = []
        var counts = (delivered: 0, retried: 0, dead: 0)
        for item in due {
            guard let outcome = result.outcomes[item.deliveryID] else { continue }
            let settlement = settle(item, outcome, at: settledAt)
            switch settlement.result {
            case .delivered: counts.delivered += 1
            case .retry: counts.retried += 1
            case .dead: counts.dead += 1
            }
            settlements.append(settlement)
        }
        do {
            try store.settle(settlements, at: Self.text(settledAt))
        } catch {
            // Not settled: the deliveries stay pending and go again (upserts make that harmless).
            return .storeFailed("\(error)")
        }
        record(due, result, counts, at: settledAt)
        return .pushed(
            due: due.count, delivered: counts.delivered, retried: counts.retried, dead: counts.dead,
            unsent: due.count - settlements.count)
    }

    /// The settlement of one outcome: a transient failure is retried on the schedule until its attempts
    /// run out, then dead-lettered with the last reason.
    private func settle(_ item: OutboxItem, _ outcome: CRMOutcome, at now: Double) -> OutboxSettlement {
        switch outcome {
        case .delivered(let remoteID):
            if let queued = Timestamp(rfc3339: item.queuedAt) {
                metrics.delivered(crm, afterSeconds: now - Double(queued.millisecondsSinceEpoch) / 1_000)
            }
            return OutboxSettlement(deliveryID: item.deliveryID, result: .delivered(remoteID: remoteID))
        case .permanent(let refusal):
            return OutboxSettlement(deliveryID: item.deliveryID, result: .dead(reason: refusal.description))
        case .transient(let reason, let retryAfter):
            let decision = state.withLock {
                schedule.next(afterAttempts: item.attempts + 1, retryAfter: retryAfter, using: &$0.generator)
            }
            switch decision {
            case .retry(let after):
                return OutboxSettlement(
                    deliveryID: item.deliveryID, result: .retry(nextAttemptAt: Self.text(now + after), reason: reason))
            case .deadLetter:
                return OutboxSettlement(
                    deliveryID: item.deliveryID,
                    result: .dead(reason: "gave up after \(item.attempts + 1) attempts: \(reason)"))
            }
        }
    }

    private func record(_ due: [OutboxItem], _ result: CRMPushResult, _ counts: (delivered: Int, retried: Int, dead: Int), at now: Double) {
        metrics.settled(crm, "delivered", count: counts.delivered)
        metrics.settled(crm, "retry", count: counts.retried)
        metrics.settled(crm, "dead", count: counts.dead)
        metrics.sent(crm, requests: result.requests)
        guard let event = result.breakerEvent else { return }
        let opened = state.withLock { state -> Bool in
            let wasClosed = state.breaker.delay(now: now) == 0
            state.breaker.record(event, now: now)
            return wasClosed && state.breaker.delay(now: now) > 0
        }
        if let pause = result.pause {
            logger.warning(
                "CRM paused", metadata: ["crm": .string(crm), "reason": .string(pause.reason), "seconds": "\(pause.seconds)"])
        }
        if opened {
            metrics.paused(crm)
            logger.warning("CRM circuit breaker open", metadata: ["crm": .string(crm)])
        }
    }

    /// Runs rounds until `stop()`: straight on while batches come full, else a short rest.
    package func run() async {
        while !isStopped {
            switch await round() {
            case .pushed(let due, _, _, _, let unsent) where due == pusher.batchSize && unsent == 0: continue
            case .pushed, .idle: await rest(idleSeconds)
            case .waiting(let seconds): await rest(min(max(seconds, idleSeconds), 5))
            case .standby: await rest(standbySeconds)
            case .storeFailed(let error):
                logger.error("outbox store failed", metadata: ["crm": .string(crm), "error": .string(error)])
                await rest(1)
            }
        }
        state.withLock { $0.lease?.release() }
    }

    /// Tells the worker a change was queued: it looks sooner than its idle rest.
    package func wake() { state.withLock { $0.woken = true } }

    /// Ends `run()` after its current round.
    package func stop() { state.withLock { $0.stopped = true } }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    /// Sleeps `seconds` in short steps, ending early on `wake()` or `stop()`.
    private func rest(_ seconds: Double) async {
        let step = min(seconds, 0.05)
        var slept = 0.0
        while slept < seconds {
            let (stopped, woken) = state.withLock { state -> (Bool, Bool) in
                defer { state.woken = false }
                return (state.stopped, state.woken)
            }
            if stopped || woken { return }
            await clock.sleep(step)
            slept += step
        }
    }

    private func holdsLease() -> Bool {
        if state.withLock({ $0.lease?.isHeld ?? false }) { return true }
        let lease = try? store.claimDelivery(crm: crm)
        state.withLock { $0.lease = lease }
        if lease != nil { logger.info("outbox worker delivering", metadata: ["crm": .string(crm)]) }
        return lease != nil
    }

    static func text(_ seconds: Double) -> String {
        Timestamp(millisecondsSinceEpoch: Int64((seconds * 1_000).rounded(.down))).millisecondsText
    }
}
