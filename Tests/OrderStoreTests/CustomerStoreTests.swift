import Foundation
import OrderCore
import OrderStore
import PostgresStore
import Storage
import TestSupport
import Testing

/// Both customer stores (Sources/OrderStore/CustomerStore.swift, Sources/PostgresStore/PostgresCustomerStore.swift)
/// against a plain model of docs/customers.md §2–§3: random replaces, merges and deletes at random
/// event times, then a random worker settling deliveries. After every step the stores' answers equal
/// the model's, and the outbox hands out only each customer's newest pending version.
@Suite struct CustomerStoreTests {
    /// The rule in its plainest form: a list of versions per customer.
    struct Model {
        struct Stored { var state: Customer?; var changedAt: String; var applied: Bool }
        var versions: [String: [Stored]] = [:]

        func current(_ id: String) -> (Int, Stored)? {
            guard let list = versions[id] else { return nil }
            return list.enumerated().last { $0.element.applied }.map { ($0.offset + 1, $0.element) }
        }

        /// The outcome the store must give, applying it here too.
        mutating func apply(_ id: String, _ change: CustomerChange, at time: String) -> CustomerChangeResult.Outcome {
            let current = self.current(id)
            let exists = current?.1.state != nil
            switch change {
            case .merge where !exists: return .notFound
            case .delete where !exists: return current == nil ? .notFound : .unchanged
            default: break
            }
            let next = change.applied(to: current?.1.state, id: id)
            if let current, time < current.1.changedAt {
                versions[id, default: []].append(Stored(state: next, changedAt: time, applied: false))
                return .stale
            }
            if let current, next == current.1.state { return .unchanged }
            versions[id, default: []].append(Stored(state: next, changedAt: time, applied: true))
            return .applied
        }
    }

    static func randomChange(_ generator: inout SeededGenerator) -> CustomerChange {
        func fields() -> [CustomerField: String] {
            var fields: [CustomerField: String] = [:]
            for field in [CustomerField.firstName, .city, .company] where Bool.random(using: &generator) {
                fields[field] = ["", "a", "b"].randomElement(using: &generator)
            }
            return fields
        }
        switch Int.random(in: 0..<10, using: &generator) {
        case 0..<4:
            var replacement = fields()
            replacement[.email] = ["x@example.org", "y@example.org"].randomElement(using: &generator)
            return .replace(replacement)
        case 4..<8: return .merge(fields())
        default: return .delete
        }
    }

    static func engines() throws -> [(String, any CustomerStorage, () -> Void)] {
        let fixture = try StoreFixture()
        let sqlite = try fixture.open()
        var engines: [(String, any CustomerStorage, () -> Void)] = [
            ("sqlite", try CustomerStore(path: fixture.dbPath), { sqlite.close(); _ = fixture })
        ]
        let url = try PostgresCluster.shared().makeDatabase()
        let postgres = try PostgresStore(url: url, sqlDirectory: nil)
        let customers = PostgresCustomerStore(url: url)
        engines.append(("postgresql", customers, { customers.close(); postgres.close() }))
        return engines
    }

    @Test(arguments: 0..<6)
    func randomChangesAndDeliveriesFollowTheModel(seed: Int) throws {
        for (engine, store, close) in try Self.engines() {
            defer { close() }
            var generator = SeededGenerator(seed: UInt64(seed))
            var model = Model()
            let ids = ["a", "b", "c", "d"]
            var delivered: [String: Int] = [:]  // customer → newest version delivered to hubspot
            for step in 0..<120 {
                let id = ids.randomElement(using: &generator)!
                let change = Self.randomChange(&generator)
                let time = String(format: "2026-01-01T00:00:%02d.000Z", Int.random(in: 0..<60, using: &generator))
                let expected = model.apply(id, change, at: time)
                let result = try store.change(
                    CustomerChangeRequest(
                        customerID: id, change: change, source: "api", changedAt: time, receivedAt: time,
                        crms: ["hubspot"]))
                #expect(result.outcome == expected, "\(engine) seed \(seed) step \(step): \(change)")
                let current = model.current(id)
                let detail = try store.customer(id, historyLimit: 1_000)
                #expect(detail?.current.version == current?.0, "\(engine) seed \(seed) step \(step)")
                #expect(detail?.current.customer == current?.1.state, "\(engine) seed \(seed) step \(step)")
                #expect(detail?.history.count == model.versions[id]?.count, "\(engine) seed \(seed) step \(step)")

                // Now and then the worker takes what is due and settles it at random.
                guard Int.random(in: 0..<4, using: &generator) == 0 else { continue }
                let due = try store.dueDeliveries(crm: "hubspot", now: "2999-01-01T00:00:00.000Z", limit: 100)
                #expect(Set(due.map(\.customerID)).count == due.count, "one delivery per customer")
                var settlements: [OutboxSettlement] = []
                for item in due {
                    // The newest applied version of the customer that is not yet delivered.
                    let newest = model.current(item.customerID)?.0
                    #expect(item.version == newest, "\(engine) seed \(seed) step \(step): \(item)")
                    #expect(item.version > delivered[item.customerID] ?? 0, "never an older version after a newer")
                    #expect(item.customer == model.current(item.customerID)?.1.state)
                    if item.customer == nil {
                        // A deletion carries the email of the last state before it.
                        let before = model.versions[item.customerID]?.prefix(item.version - 1)
                            .last { $0.applied && $0.state != nil }
                        #expect(item.lastEmail == before?.state?[.email], "\(engine) seed \(seed) step \(step)")
                    }
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0:
                        delivered[item.customerID] = item.version
                        settlements.append(OutboxSettlement(deliveryID: item.deliveryID, result: .delivered(remoteID: nil)))
                    case 1:
                        settlements.append(
                            OutboxSettlement(
                                deliveryID: item.deliveryID,
                                result: .retry(nextAttemptAt: "2000-01-01T00:00:00.000Z", reason: "503")))
                    default:
                        delivered[item.customerID] = item.version
                        settlements.append(OutboxSettlement(deliveryID: item.deliveryID, result: .dead(reason: "400")))
                    }
                }
                try store.settle(settlements, at: time)
            }
            // Redrive everything dead: afterwards each customer has at most one pending version, its newest.
            _ = try store.redrive(deliveryID: nil, crm: nil, at: "2026-01-02T00:00:00.000Z")
            let due = try store.dueDeliveries(crm: "hubspot", now: "2999-01-01T00:00:00.000Z", limit: 100)
            for item in due { #expect(item.version == model.current(item.customerID)?.0, "\(engine) after redrive") }
            let depth = try store.outboxStatus(now: "2026-01-02T00:00:00.000Z").first
            #expect(depth?.dead == 0)
        }
    }

    /// A change the client gave no time (timed by its receipt) is applied after whatever state it finds
    /// under the customer's lock, even when a change received after it took the lock first: two
    /// concurrent PATCHes of different fields both land (docs/customers.md §2). A change that carries
    /// its own event time still loses to a newer state.
    @Test func aChangeTimedByItsReceiptIsNeverStaleAgainstWhatItIsAppliedTo() throws {
        for (engine, store, close) in try Self.engines() {
            defer { close() }
            func change(_ fields: [CustomerField: String], at time: String, receipt: Bool) throws -> CustomerChangeResult {
                try store.change(
                    CustomerChangeRequest(
                        customerID: "c-1", change: .merge(fields), source: "api", changedAt: time, receivedAt: time,
                        crms: [], timeIsReceipt: receipt))
            }
            _ = try store.change(
                CustomerChangeRequest(
                    customerID: "c-1", change: .replace([.email: "a@example.org"]), source: "api",
                    changedAt: "2026-01-01T00:00:00.000Z", receivedAt: "2026-01-01T00:00:00.000Z", crms: []))
            // Received at .002, applied first.
            #expect(try change([.city: "Lima"], at: "2026-01-01T00:00:00.002Z", receipt: true).outcome == .applied)
            // Received at .001 but applied second: applied, at the time of the state it followed.
            let late = try change([.company: "Acme"], at: "2026-01-01T00:00:00.001Z", receipt: true)
            #expect(late.outcome == .applied, "\(engine)")
            #expect(late.version?.changedAt == "2026-01-01T00:00:00.002Z", "\(engine)")
            let current = try store.customer("c-1", historyLimit: 10)?.current.customer
            #expect(current?[.city] == "Lima" && current?[.company] == "Acme", "\(engine)")
            // The same with the client's own, older event time: kept in history only.
            #expect(try change([.city: "Oslo"], at: "2026-01-01T00:00:00.001Z", receipt: false).outcome == .stale)
            #expect(try store.customer("c-1", historyLimit: 10)?.current.customer?[.city] == "Lima", "\(engine)")
        }
    }

    @Test func anEmptyStoreAnswersNothing() throws {
        for (_, store, close) in try Self.engines() {
            defer { close() }
            #expect(try store.customer("nobody", historyLimit: 10) == nil)
            #expect(try store.customers(after: nil, limit: 10).isEmpty)
            #expect(try store.dueDeliveries(crm: "hubspot", now: "2999-01-01T00:00:00.000Z", limit: 10).isEmpty)
            #expect(try store.outboxStatus(now: "2026-01-01T00:00:00.000Z").isEmpty)
            #expect(try store.deadLetters(crm: nil, before: nil, limit: 10).isEmpty)
            #expect(try store.redrive(deliveryID: 1, crm: nil, at: "2026-01-01T00:00:00.000Z") == (0, 0))
        }
    }

    /// One worker per CRM: a second claim (another instance, on PostgreSQL another store) gets nothing
    /// until the first lets go; each CRM has its own lease.
    @Test func oneLeasePerCRMUntilItIsReleased() throws {
        let fixture = try StoreFixture()
        let sqlite = try fixture.open()
        defer { sqlite.close() }
        let url = try PostgresCluster.shared().makeDatabase()
        let postgres = try PostgresStore(url: url, sqlDirectory: nil)
        defer { postgres.close() }
        let pairs: [(any CustomerStorage, any CustomerStorage)] = [
            (try CustomerStore(path: fixture.dbPath), try CustomerStore(path: fixture.dbPath)),
            (PostgresCustomerStore(url: url), PostgresCustomerStore(url: url)),
        ]
        for (first, second) in pairs {
            let lease = try first.claimDelivery(crm: "hubspot")
            #expect(lease?.isHeld == true)
            #expect(try second.claimDelivery(crm: "hubspot") == nil)
            let other = try second.claimDelivery(crm: "salesforce")
            #expect(other?.isHeld == true)
            lease?.release()
            #expect(lease?.isHeld == false)
            let taken = try second.claimDelivery(crm: "hubspot")
            #expect(taken?.isHeld == true)
            #expect(try first.claimDelivery(crm: "hubspot") == nil)
            taken?.release()
            other?.release()
        }
    }
}
