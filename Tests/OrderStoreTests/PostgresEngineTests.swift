import Foundation
import OrderCore
import OrderStore
import PostgresStore
import Storage
import Synchronization
import TestSupport
import Testing

/// The PostgreSQL engine against a real server (TestSupport's throw-away cluster): the same answers
/// as the SQLite engine for the same writes, dedup enforced by the database across instances, the SQL
/// files applied once by instances that start together, and a server restart survived.
struct PostgresEngineTests {
    /// The versions as both engines must keep them (seq and ingested_at are each engine's own).
    private struct Kept: Equatable {
        let orderDate: String, status: String, details: String?, updatedAt: String?, source: String
        let payload: String

        init(_ version: OrderVersion) {
            (orderDate, status, details, updatedAt, source, payload) = (
                version.orderDate, version.status, version.details, version.updatedAt, version.source, version.payload
            )
        }
    }

    /// Random histories (out of order, repeated and case-varied statuses, missing updated_at,
    /// identical resends, two sources) written to both engines batch by batch: each batch gets the same
    /// counts, and every order ends with the same versions, latest version and `GET /` row.
    @Test func theSameWritesKeepTheSameVersionsAsSQLite() throws {
        let postgres = try PostgresStore(url: try PostgresCluster.shared().makeDatabase(), sqlDirectory: nil)
        defer { postgres.close() }
        let fixture = try StoreFixture()
        let sqlite = try fixture.open()
        defer { sqlite.close() }
        let histories = (0..<200).map { RandomHistory(seed: $0, orderPrefix: "g\($0)") }
        for round in 0..<(histories.map(\.rounds.count).max() ?? 0) {
            let arrivals = histories.flatMap { round < $0.rounds.count ? $0.rounds[round] : [] }
            for batch in RandomHistory.batches(arrivals) {
                let expected = try sqlite.ingest(batch.orders, source: batch.source)
                #expect(try postgres.ingest(batch.orders, source: batch.source) == expected, "round \(round)")
            }
        }
        var orderIDs: [String] = []
        _ = try sqlite.latest(LatestFilter(), limit: 100_000) { orderIDs.append($0.string(.orderID) ?? "") }
        #expect(orderIDs.count > 200)
        for orderID in orderIDs {
            let expected = try sqlite.history(of: orderID)
            let actual = try postgres.history(of: orderID)
            #expect(actual.versions.map(Kept.init) == expected.versions.map(Kept.init), "\(orderID)")
            #expect(actual.latest.map(Kept.init) == expected.latest.map(Kept.init), "\(orderID)")
            #expect(actual.total == expected.total)
        }
        let sqliteRows = try latestRows(sqlite, LatestFilter())
        #expect(try latestRows(postgres, LatestFilter()) == sqliteRows)
        // Filters: ASCII case folded, the cursor, a page.
        for filter in [LatestFilter(status: "SHIPPED"), LatestFilter(after: orderIDs[orderIDs.count / 2])] {
            #expect(try latestRows(postgres, filter) == latestRows(sqlite, filter))
        }
    }

    /// Three instances on one database, each posting the same orders and some of their own at once:
    /// every version is stored once, whichever instance won, and every request is answered 2xx-alike.
    @Test func instancesSharingADatabaseStoreEachVersionOnce() throws {
        let url = try PostgresCluster.shared().makeDatabase()
        let stores = try (0..<3).map { _ in try PostgresStore(url: url, sqlDirectory: nil) }
        defer { stores.forEach { $0.close() } }
        let shared = (0..<200).map { order("s\($0)", status: "new", updatedAt: "2025-01-01T00:00:00Z") }
        let errors = Atomic<Int>(0)
        let inserted = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 12) { worker in
            let store = stores[worker % 3]
            for (index, one) in shared.enumerated() where index % 4 == worker % 4 {
                let own = order("w\(worker)-\(index)", status: "paid", updatedAt: nil)
                do {
                    let result = try store.ingest([one, own], source: "api")
                    inserted.add(result.inserted, ordering: .relaxed)
                } catch {
                    errors.add(1, ordering: .relaxed)
                }
            }
        }
        #expect(errors.load(ordering: .relaxed) == 0)
        // 200 shared versions once each, and 12 workers' own: 200 / 4 each.
        #expect(inserted.load(ordering: .relaxed) == 200 + 12 * 50)
        var rows = 0
        _ = try stores[0].latest(LatestFilter(), limit: 100_000) { row in
            rows += 1
            #expect(row.versions == 1)
        }
        #expect(rows == 200 + 12 * 50)
    }

    /// Instances that start together apply the SQL files once: none fails, all see the same views.
    @Test func instancesStartingTogetherApplyTheFilesOnce() throws {
        let url = try PostgresCluster.shared().makeDatabase()
        let opened = Mutex<[Result<[String], PostgresStore.OpenError>]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let result = Result { () throws(PostgresStore.OpenError) -> [String] in
                let store = try PostgresStore(url: url, sqlDirectory: nil)
                defer { store.close() }
                return store.views
            }
            opened.withLock { $0.append(result) }
        }
        let views = try opened.withLock { results in try results.map { try $0.get() } }
        #expect(views.count == 4)
        #expect(Set(views.map { $0.joined(separator: ",") }).count == 1)
        #expect(views.first?.contains("latest_order_v") == true)
    }

    /// The server restarted under the writer and the readers: requests fail cleanly (503-class errors,
    /// never a crash or a hang), the store recovers by itself, and every acknowledged batch is there.
    @Test func aRestartedServerFailsRequestsCleanlyAndTheStoreRecovers() throws {
        let cluster = try PostgresCluster.start()
        defer { try? cluster.stop(mode: .immediate) }
        let store = try PostgresStore(url: try cluster.makeDatabase(), sqlDirectory: nil)
        defer { store.close() }
        var acknowledged: [String] = []
        for index in 0..<20 {
            _ = try store.ingest([order("before\(index)", status: "new", updatedAt: nil)], source: "api")
            acknowledged.append("before\(index)")
        }
        try cluster.stop(mode: .immediate)
        do {
            _ = try store.ingest([order("during", status: "new", updatedAt: nil)], source: "api")
            Issue.record("a write with the server down succeeded")
        } catch {
            #expect(error.httpStatus == 503, "\(error)")
        }
        do {
            _ = try store.latest(LatestFilter(), limit: 10) { _ in }
            Issue.record("a read with the server down succeeded")
        } catch {
            #expect(error.httpStatus == 503, "\(error)")
        }
        try cluster.restart()
        for index in 0..<20 {
            _ = try store.ingest([order("after\(index)", status: "new", updatedAt: nil)], source: "api")
            acknowledged.append("after\(index)")
        }
        var stored = Set<String>()
        _ = try store.latest(LatestFilter(), limit: 1_000) { stored.insert($0.string(.orderID) ?? "") }
        #expect(Set(acknowledged).isSubset(of: stored))
    }

    /// Values that mean something in PostgreSQL's array and COPY syntax (quotes, backslashes, braces,
    /// commas, the word NULL, tabs, new lines) and non-ASCII text travel through a group commit (the
    /// orders go as text arrays: PGArray.swift) and come back byte for byte.
    @Test func awkwardTextComesBackUnchanged() throws {
        let store = try PostgresStore(url: try PostgresCluster.shared().makeDatabase(), sqlDirectory: nil)
        defer { store.close() }
        let awkward = [#"a"b"#, #"back\slash"#, "{br,aces}", "NULL", "tab\there", "new\nline", "naïve ✓", " ", ""]
        var orders: [Order] = []
        for (index, text) in awkward.enumerated() {
            var details = JSONWriter(capacity: 64)
            details.string(text)
            let detailsJSON = String(decoding: details.bytes, as: UTF8.self)
            let body = #"{"order_id":"w\#(index)","order_date":"2025-08-08","order_status":"new","order_details":\#(detailsJSON)}"#
            guard case .success(let decoded) = OrderBatch.decode(Array(body.utf8)), let order = decoded.first else {
                Issue.record("bad test order \(body)")
                continue
            }
            orders.append(order)
        }
        #expect(try store.ingest(orders, source: "api").inserted == awkward.count)
        for (index, order) in orders.enumerated() {
            let stored = try #require(try store.history(of: "w\(index)").latest)
            #expect(stored.details == order.details, "\(awkward[index])")
            #expect(stored.payload == String(decoding: order.payload, as: UTF8.self))
        }
    }

    /// A NUL character (valid JSON: "\u0000") cannot be stored in PostgreSQL's text: that batch is
    /// refused as unrepresentable (422), nothing of it stored, and a batch sharing its group commit is
    /// stored all the same.
    @Test func aValueWithANulCharacterIsRefusedAloneAndClearly() throws {
        let store = try PostgresStore(url: try PostgresCluster.shared().makeDatabase(), sqlDirectory: nil)
        defer { store.close() }
        let bad = try #require(
            { () -> Order? in
                guard case .success(let orders) = OrderBatch.decode(
                    Array(#"{"order_id":"n1","order_date":"2025-08-08","order_status":"new","order_details":"a\u0000b"}"#.utf8))
                else { return nil }
                return orders.first
            }())
        let outcomes = Mutex<[Result<IngestResult, StoreError>]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            let orders = index == 0 ? [bad] : [order("ok\(index)", status: "new", updatedAt: nil)]
            let outcome = Result { () throws(StoreError) in try store.ingest(orders, source: "api") }
            outcomes.withLock { $0.append(outcome) }
        }
        let results = outcomes.withLock { $0 }
        let refused = results.filter { if case .failure(.unrepresentable) = $0 { true } else { false } }
        #expect(refused.count == 1, "\(results)")
        #expect(results.filter { (try? $0.get())?.inserted == 1 }.count == 7)
        var stored: [String] = []
        _ = try store.latest(LatestFilter(), limit: 100) { stored.append($0.string(.orderID) ?? "") }
        #expect(stored.sorted() == (1..<8).map { "ok\($0)" })
    }

    private func latestRows(_ store: any OrderReading, _ filter: LatestFilter) throws -> [[String?]] {
        var rows: [[String?]] = []
        _ = try store.latest(filter, limit: 100_000) { row in
            // ingested_at is each engine's own clock.
            rows.append(
                [LatestField.orderID, .orderDate, .status, .details, .updatedAt].map { row.string($0) } + [
                    String(row.versions)
                ])
        }
        return rows
    }

    /// One POST may hold 100,000 orders (OrderBatch.defaultMaxOrders): a group that large is stored in
    /// one transaction on a server with the default lock table (a lock per order failed here with "out
    /// of shared memory" above about 6,400 orders), new orders and new versions of stored ones alike, and
    /// the projections stay equal to their twins.
    @Test func aGroupOfTwentyThousandOrdersIsOneTransaction() throws {
        let url = try PostgresCluster.shared().makeDatabase()
        let store = try PostgresStore(url: url, sqlDirectory: nil)
        let placed = (0..<20_000).map { order("big\($0)", status: "pending", updatedAt: "2025-08-08T10:00:00.000Z") }
        #expect(try store.ingest(placed, source: "api") == IngestResult(inserted: 20_000, unchanged: 0))
        let shipped = (0..<20_000).map { order("big\($0)", status: "shipped", updatedAt: "2025-08-09T10:00:00.000Z") }
        #expect(try store.ingest(shipped + placed.prefix(10), source: "api") == IngestResult(inserted: 20_000, unchanged: 10))
        store.close()
        #expect(try PostgresProjectionTests.compareTwins(url) == nil)
        #expect(try PostgresProjectionTests.scalar(url, "SELECT transitions FROM status_transitions_v") == "20000")
    }

    /// A group of new orders goes in on a path of its own (sql/postgresql/functions/ordersync_ingest.sql),
    /// where only its first orders are looked up: a stored order further on, met on order_state's primary
    /// key, sends the group back to the general path, and so does a repeated one (its second order_state
    /// row). Both get SQLite's answers, versions and projections.
    @Test func aStoredOrderDeepInAGroupOfNewOnesIsStillComparedWithWhatIsStored() throws {
        let url = try PostgresCluster.shared().makeDatabase()
        let postgres = try PostgresStore(url: url, sqlDirectory: nil)
        let fixture = try StoreFixture()
        let sqlite = try fixture.open()
        defer { sqlite.close() }
        let first = [
            order("deep-a", status: "paid", updatedAt: "2025-08-08T10:00:00.000Z"),
            order("deep-b", status: "paid", updatedAt: "2025-08-08T10:00:00.000Z"),
        ]
        var stored = (0..<40).map { order("deep-n\($0)", status: "pending", updatedAt: "2025-08-08T10:00:00.000Z") }
        stored[20] = first[0]  // the same version again
        stored[25] = order("deep-b", status: "shipped", updatedAt: "2025-08-09T10:00:00.000Z")  // a newer one
        var repeated = (40..<80).map { order("deep-n\($0)", status: "pending", updatedAt: "2025-08-08T10:00:00.000Z") }
        repeated[30] = order("deep-n41", status: "shipped", updatedAt: "2025-08-09T10:00:00.000Z")
        for (group, answer) in [
            (first, IngestResult(inserted: 2, unchanged: 0)), (stored, IngestResult(inserted: 39, unchanged: 1)),
            (repeated, IngestResult(inserted: 40, unchanged: 0)),
        ] {
            #expect(try sqlite.ingest(group, source: "api") == answer)
            #expect(try postgres.ingest(group, source: "api") == answer)
        }
        for orderID in ["deep-a", "deep-b", "deep-n0", "deep-n39", "deep-n41", "deep-n70"] {
            let expected = try sqlite.history(of: orderID)
            let actual = try postgres.history(of: orderID)
            #expect(actual.versions.map(Kept.init) == expected.versions.map(Kept.init), "\(orderID)")
            #expect(actual.latest.map(Kept.init) == expected.latest.map(Kept.init), "\(orderID)")
        }
        #expect(try latestRows(postgres, LatestFilter()) == latestRows(sqlite, LatestFilter()))
        postgres.close()
        #expect(try PostgresProjectionTests.compareTwins(url) == nil)
    }

    private func order(_ id: String, status: String, updatedAt: String?) -> Order {
        var text = #"{"order_id":"\#(id)","order_date":"2025-08-08","order_status":"\#(status)""#
        if let updatedAt { text += #","updated_at":"\#(updatedAt)""# }
        text += "}"
        guard case .success(let orders) = OrderBatch.decode(Array(text.utf8)), let order = orders.first else {
            fatalError("bad test order \(text)")
        }
        return order
    }
}
