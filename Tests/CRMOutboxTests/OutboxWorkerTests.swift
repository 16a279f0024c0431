import CRMOutbox
import CRMPush
import CoreMetrics
import Foundation
import Logging
import OrderCore
import OrderStore
import Storage
import Synchronization
import TestSupport
import Testing

enum TestMetrics {
    static let factory: any MetricsFactory = NOOPMetricsHandler.instance
}

/// A clock tests move by hand; sleeping moves it (nothing waits for real).
final class ManualClock: CRMClock {
    private let seconds = Mutex(1_800_000_000.0)
    func now() -> Double { seconds.withLock { $0 } }
    func sleep(_ seconds: Double) async { advance(seconds) }
    func advance(_ by: Double) { seconds.withLock { $0 += by } }
}

/// A pusher that answers from a script: per delivery an outcome chosen by `decide`, or a pause.
final class ScriptedPusher: CRMPushing {
    let batchSize: Int
    private let state = Mutex<(pushed: [[CRMDelivery]], decide: @Sendable (CRMDelivery) -> CRMOutcome?, pause: CRMPause?)>(
        ([], { _ in .delivered(remoteID: "r") }, nil))

    init(batchSize: Int = 100) { self.batchSize = batchSize }

    var pushed: [[CRMDelivery]] { state.withLock { $0.pushed } }
    func answer(_ decide: @escaping @Sendable (CRMDelivery) -> CRMOutcome?) { state.withLock { $0.decide = decide } }
    func pause(_ pause: CRMPause?) { state.withLock { $0.pause = pause } }

    func push(_ deliveries: [CRMDelivery]) async throws(CRMPushError) -> CRMPushResult {
        let (decide, pause) = state.withLock { state in
            state.pushed.append(deliveries)
            return (state.decide, state.pause)
        }
        var result = CRMPushResult()
        result.requests = 1
        result.pause = pause
        guard pause == nil else { return result }
        for delivery in deliveries {
            if let outcome = decide(delivery) { result.outcomes[delivery.id] = outcome }
        }
        return result
    }
}

/// The outbox worker (Sources/CRMOutbox/OutboxWorker.swift, docs/customers.md §3, §9) over a real SQLite
/// store and a scripted pusher: what it hands the CRM, and what it settles for each answer.
@Suite struct OutboxWorkerTests {
    final class Fixture {
        let directory = NSTemporaryDirectory() + "ordersync-outbox-" + UUID().uuidString
        let orders: OrderStore
        let store: CustomerStore
        let clock = ManualClock()
        let pusher: ScriptedPusher
        let worker: OutboxWorker

        init(batchSize: Int = 100, schedule: RetrySchedule = RetrySchedule(delays: [10, 100], maxAttempts: 3, jitter: 0))
            throws
        {
            orders = try OrderStore(path: directory + "/orders.db", sqlDirectory: nil)
            store = try CustomerStore(path: directory + "/orders.db")
            pusher = ScriptedPusher(batchSize: batchSize)
            var breaker = CircuitBreaker.Configuration()
            breaker.failureThreshold = 3
            breaker.coolDown = 60
            worker = OutboxWorker(
                crm: "hubspot", store: store, pusher: pusher, clock: clock, schedule: schedule, breaker: breaker,
                metrics: OutboxMetrics(factory: TestMetrics.factory), logger: Logger(label: "test"))
        }

        deinit {
            orders.close()
            try? FileManager.default.removeItem(atPath: directory)
        }

        var nowText: String { Timestamp(millisecondsSinceEpoch: Int64(clock.now() * 1_000)).millisecondsText }

        @discardableResult
        func change(_ id: String, _ change: CustomerChange) throws -> CustomerChangeResult {
            try store.change(
                CustomerChangeRequest(
                    customerID: id, change: change, source: "api", changedAt: nowText, receivedAt: nowText,
                    crms: ["hubspot"]))
        }

        func states() throws -> [String: String] {
            var states: [String: String] = [:]
            for row in try store.customers(after: nil, limit: 1_000) { states[row.customerID] = row.customer?[.city] }
            return states
        }
    }

    static func city(_ city: String) -> CustomerChange { .replace([.email: "a@example.org", .city: city]) }

    @Test func theNewestVersionGoesAndOlderOnesAreCoalescedIntoIt() async throws {
        let fixture = try Fixture()
        try fixture.change("c1", Self.city("Lima"))
        try fixture.change("c1", Self.city("Quito"))
        try fixture.change("c2", Self.city("Oslo"))
        #expect(await fixture.worker.round() == .pushed(due: 2, delivered: 2, retried: 0, dead: 0, unsent: 0))
        let sent = fixture.pusher.pushed.flatMap { $0 }
        #expect(sent.map(\.customerID).sorted() == ["c1", "c2"])
        #expect(sent.first { $0.customerID == "c1" }?.customer?[.city] == "Quito")
        #expect(sent.first { $0.customerID == "c1" }?.version == 2)
        #expect(await fixture.worker.round() == .idle)
        let detail = try fixture.store.customer("c1", historyLimit: 10)
        #expect(detail?.deliveries.first?.deliveredVersion == 2)
        #expect(detail?.deliveries.first?.pending == 0)
    }

    @Test func aTransientFailureIsRetriedOnTheScheduleThenDeadLettered() async throws {
        let fixture = try Fixture()
        try fixture.change("c1", Self.city("Lima"))
        fixture.pusher.answer { _ in .transient(reason: "HTTP 503", retryAfter: nil) }
        #expect(await fixture.worker.round() == .pushed(due: 1, delivered: 0, retried: 1, dead: 0, unsent: 0))
        // Not due before the first delay (10 s).
        fixture.clock.advance(9)
        #expect(await fixture.worker.round() == .idle)
        fixture.clock.advance(2)
        #expect(await fixture.worker.round() == .pushed(due: 1, delivered: 0, retried: 1, dead: 0, unsent: 0))
        fixture.clock.advance(99)
        #expect(await fixture.worker.round() == .idle)
        fixture.clock.advance(2)
        // The third attempt is the last: dead, with the last reason.
        #expect(await fixture.worker.round() == .pushed(due: 1, delivered: 0, retried: 0, dead: 1, unsent: 0))
        let dead = try fixture.store.deadLetters(crm: "hubspot", before: nil, limit: 10)
        #expect(dead.map(\.reason) == ["gave up after 3 attempts: HTTP 503"])
        #expect(dead.first?.attempts == 3)
    }

    @Test func aRefusedRecordIsDeadLetteredAtOnceAndTheOthersGo() async throws {
        let fixture = try Fixture()
        try fixture.change("good", Self.city("Lima"))
        try fixture.change("bad", .replace([.email: "x@example.invalid"]))
        fixture.pusher.answer { delivery in
            delivery.customerID == "bad"
                ? .permanent(CRMRefusal(status: 207, code: "VALIDATION_ERROR", message: "INVALID_EMAIL")) : .delivered(remoteID: "9")
        }
        #expect(await fixture.worker.round() == .pushed(due: 2, delivered: 1, retried: 0, dead: 1, unsent: 0))
        let dead = try fixture.store.deadLetters(crm: "hubspot", before: nil, limit: 10)
        #expect(dead.map(\.customerID) == ["bad"])
        #expect(dead.first?.reason.contains("INVALID_EMAIL") == true)
        #expect(dead.first?.attempts == 1)
    }

    @Test func unsentDeliveriesKeepTheirPlaceAndAPauseOpensTheBreaker() async throws {
        let fixture = try Fixture()
        try fixture.change("c1", Self.city("Lima"))
        fixture.pusher.pause(CRMPause(reason: "token refused", seconds: 900))
        #expect(await fixture.worker.round() == .pushed(due: 1, delivered: 0, retried: 0, dead: 0, unsent: 1))
        // Paused: no request for the pause's length, and no attempt counted against the delivery.
        guard case .waiting(let seconds) = await fixture.worker.round() else { return #expect(Bool(false)) }
        #expect(seconds >= 899)
        #expect(fixture.pusher.pushed.count == 1)
        fixture.pusher.pause(nil)
        fixture.clock.advance(901)
        #expect(await fixture.worker.round() == .pushed(due: 1, delivered: 1, retried: 0, dead: 0, unsent: 0))
        #expect(try fixture.store.customer("c1", historyLimit: 1)?.deliveries.first?.deliveredVersion == 1)
    }

    @Test func transientFailuresInARowOpenTheBreakerUntilItsCoolDown() async throws {
        let fixture = try Fixture(schedule: RetrySchedule(delays: [0], maxAttempts: 100, jitter: 0))
        try fixture.change("c1", Self.city("Lima"))
        fixture.pusher.answer { _ in .transient(reason: "no answer", retryAfter: nil) }
        for _ in 0..<3 { _ = await fixture.worker.round() }
        guard case .waiting = await fixture.worker.round() else { return #expect(Bool(false), "breaker still closed") }
        #expect(fixture.pusher.pushed.count == 3)
        fixture.clock.advance(61)
        fixture.pusher.answer { _ in .delivered(remoteID: nil) }
        #expect(await fixture.worker.round() == .pushed(due: 1, delivered: 1, retried: 0, dead: 0, unsent: 0))
    }

    @Test func aSecondWorkerForTheSameCRMStandsBy() async throws {
        let fixture = try Fixture()
        try fixture.change("c1", Self.city("Lima"))
        #expect(await fixture.worker.round() != .standby)
        let other = OutboxWorker(
            crm: "hubspot", store: try CustomerStore(path: fixture.directory + "/orders.db"), pusher: ScriptedPusher(),
            clock: fixture.clock, metrics: OutboxMetrics(factory: TestMetrics.factory), logger: Logger(label: "test"))
        #expect(await other.round() == .standby)
    }

    /// Random changes between rounds and random answers: each customer's versions reach the CRM in
    /// increasing order, never two in one push, and in the end the CRM holds every customer's latest
    /// state (the transient failures retried, nothing dead).
    @Test(arguments: 0..<5)
    func versionsReachTheCRMInOrderAndTheEndStateIsTheLatest(seed: Int) async throws {
        let fixture = try Fixture(batchSize: 7, schedule: RetrySchedule(delays: [1], maxAttempts: 1_000, jitter: 0))
        var generator = SeededGenerator(seed: UInt64(seed))
        let flaky = Mutex(SeededGenerator(seed: UInt64(seed) &+ 99))
        fixture.pusher.answer { _ in
            flaky.withLock { Int.random(in: 0..<3, using: &$0) } == 0
                ? .transient(reason: "HTTP 502", retryAfter: nil) : .delivered(remoteID: nil)
        }
        var latest: [String: String] = [:]
        for step in 0..<300 {
            let id = "c\(Int.random(in: 0..<12, using: &generator))"
            let city = "city-\(step)"
            try fixture.change(id, Self.city(city))
            latest[id] = city
            fixture.clock.advance(0.5)
            if Bool.random(using: &generator) { _ = await fixture.worker.round() }
        }
        for _ in 0..<500 {
            fixture.clock.advance(2)
            if await fixture.worker.round() == .idle, try fixture.store.outboxStatus(now: fixture.nowText).first?.pendingVersions == 0 {
                break
            }
        }
        var held: [String: String] = [:]
        var lastVersion: [String: Int] = [:]
        for push in fixture.pusher.pushed {
            #expect(Set(push.map(\.customerID)).count == push.count, "one delivery per customer in a push")
            for delivery in push {
                #expect(delivery.version >= lastVersion[delivery.customerID] ?? 0, "seed \(seed): a version went back")
                lastVersion[delivery.customerID] = delivery.version
                held[delivery.customerID] = delivery.customer?[.city]
            }
        }
        // The pusher's last word per customer is what the CRM holds when every push was delivered at
        // last: the final pushes all succeeded (nothing pending, nothing dead).
        #expect(try fixture.store.deadLetters(crm: nil, before: nil, limit: 10).isEmpty)
        #expect(held == latest, "seed \(seed)")
        #expect(try fixture.states() == latest)
    }
}
