import Foundation
import OrderCore
import PostgreSQL
import PostgresStore
import Storage
import Synchronization
import TestSupport
import Testing

/// Issue 11 item 3: the projections on PostgreSQL (sql/postgresql/functions/ordersync_project.sql) against
/// their from-scratch twins, on random histories (RandomHistory: out of event order, repeated and
/// case-varied statuses, missing updated_at, identical resends, two sources) written through the real
/// store: by one instance, by three at once, during a backfill, after a vocabulary change. Each
/// projection-backed view must equal its twin row for row: same columns and types, same values, and
/// recent_orders_v in the same order. (Tests/pgdialect/check compares the same views with SQLite's.)
struct PostgresProjectionTests {
    /// Histories per run of the main property test; PG_HISTORY_CASES for a longer local run.
    static let cases: Int = ProcessInfo.processInfo.environment["PG_HISTORY_CASES"].flatMap(Int.init) ?? 2_000
    static let perDatabase = 500

    @Test func everyProjectionEqualsItsTwinOnRandomHistories() throws {
        var first = 0
        while first < Self.cases {
            let seeds = (first..<min(Self.cases, first + Self.perDatabase)).map(UInt64.init)
            first += Self.perDatabase
            let url = try PostgresCluster.shared().makeDatabase()
            let store = try PostgresStore(url: url, sqlDirectory: nil)
            try Self.write(seeds.map { RandomHistory(seed: $0, orderPrefix: "p\($0)") }, into: [store])
            #expect(store.projections.answersReads)
            store.close()
            if let difference = try Self.compareTwins(url) {
                Issue.record("seeds \(seeds.first!)...\(seeds.last!): \(difference)")
                return
            }
        }
    }

    /// Three instances writing the same histories' rounds at once (an order's versions arrive through
    /// different instances, their groups overlap): the per-order locks and the sorted upserts keep the
    /// aggregates exact, and no group deadlocks.
    @Test func threeInstancesWritingAtOnceKeepTheProjectionsExact() throws {
        let url = try PostgresCluster.shared().makeDatabase()
        let stores = try (0..<3).map { _ in try PostgresStore(url: url, sqlDirectory: nil) }
        let histories = (0..<300).map { RandomHistory(seed: 50_000 + UInt64($0), orderPrefix: "c\($0)") }
        let errors = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 3) { worker in
            do {
                try Self.write(histories, into: stores) { history, round in (history + round) % 3 == worker }
            } catch {
                errors.withLock { $0.append("\(error)") }
            }
        }
        stores.forEach { $0.close() }
        #expect(errors.withLock { $0 } == [])
        #expect(try Self.compareTwins(url) == nil)
        // Every arrival was offered: the counts say every order is there once.
        let orders = try Self.scalar(url, "SELECT count(*) FROM order_state")
        #expect(orders == String(Set(histories.flatMap { $0.rounds.flatMap { $0.map(\.orderID) } }).count))
    }

    /// A database whose orders were stored before the projections (here: after `ordersync copy`, which
    /// starts them over): the backfill projects them in chunks while two instances keep writing and
    /// both run chunks; reads use the twins until it completes, and then the projections equal them.
    @Test func theBackfillRacesWithWritersAndEndsExact() throws {
        let url = try PostgresCluster.shared().makeDatabase()
        let before = try PostgresStore(url: url, sqlDirectory: nil)
        try Self.write((0..<300).map { RandomHistory(seed: 70_000 + UInt64($0), orderPrefix: "b\($0)") }, into: [before])
        before.close()
        _ = try Self.scalar(url, "SELECT ordersync_projection_prepare('2026-01-01T00:00:00.000Z', true)")
        #expect(try Self.scalar(url, "SELECT count(*) FROM order_state") == "0")

        let stores = try (0..<2).map { _ in try PostgresStore(url: url, sqlDirectory: nil, backfillChunk: 7) }
        defer { stores.forEach { $0.close() } }
        #expect(stores.allSatisfy { !$0.projections.answersReads })
        var rows = 0
        _ = try stores[0].latest(LatestFilter(), limit: 100_000) { _ in rows += 1 }
        #expect(rows > 300)  // answered from the twin while the projections are empty
        let later = (0..<200).map { RandomHistory(seed: 71_000 + UInt64($0), orderPrefix: "b\($0 * 7 % 300)x") }
        // Some orders of the first histories get new versions too, behind and ahead of the cursor.
        let revisits = (0..<100).map { RandomHistory(seed: 70_000 + UInt64($0 * 3), orderPrefix: "b\($0 * 3)") }
        try Self.write(later + revisits, into: stores)
        let deadline = Date().addingTimeInterval(120)
        while !stores.allSatisfy({ $0.projections.answersReads }), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(stores.allSatisfy { $0.projections.answersReads }, "the backfill did not complete in 120 s")
        #expect(stores.allSatisfy { $0.projections.progress?.complete == true })
        #expect(try Self.compareTwins(url) == nil)
    }

    /// A changed status vocabulary starts the projections over at the next start; the backfill rebuilds
    /// them with the new stages.
    @Test func aChangedVocabularyRebuildsTheProjections() throws {
        let url = try PostgresCluster.shared().makeDatabase()
        let first = try PostgresStore(url: url, sqlDirectory: nil)
        try Self.write((0..<200).map { RandomHistory(seed: 80_000 + UInt64($0), orderPrefix: "v\($0)") }, into: [first])
        first.close()
        let before = try Self.scalar(url, "SELECT orders_reached FROM order_stage_timings_v WHERE stage = 'shipped'")
        _ = try Self.scalar(url, "UPDATE status_stages SET stage = 'shipped', position = 3 WHERE status = 'confirmed'")
        let second = try PostgresStore(url: url, sqlDirectory: nil, backfillChunk: 50)
        defer { second.close() }
        #expect(!second.projections.answersReads)
        let deadline = Date().addingTimeInterval(60)
        while !second.projections.answersReads, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(second.projections.answersReads)
        #expect(try Self.compareTwins(url) == nil)
        let after = try Self.scalar(url, "SELECT orders_reached FROM order_stage_timings_v WHERE stage = 'shipped'")
        #expect(Int(after) ?? 0 > Int(before) ?? 0, "\(before) → \(after)")
    }

    /// The comparison catches a projection-backed view that drifts from its twin: a median that takes the
    /// lower middle entry twice.
    @Test func aViewThatDriftsFromItsTwinIsCaught() throws {
        let fixture = try StoreFixture()
        let path = fixture.sqlDirectory + "/postgresql/views/status_transitions_v.sql"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let broken = text.replacingOccurrences(of: "(count + 2) / 2 AS k2", with: "(count + 1) / 2 AS k2")
        #expect(broken != text)
        try broken.write(toFile: path, atomically: true, encoding: .utf8)
        let url = try PostgresCluster.shared().makeDatabase()
        let store = try PostgresStore(url: url, sqlDirectory: fixture.sqlDirectory)
        try Self.write((0..<300).map { RandomHistory(seed: UInt64($0), orderPrefix: "d\($0)") }, into: [store])
        store.close()
        let difference = try Self.compareTwins(url)
        #expect(difference?.hasPrefix("status_transitions_v") == true, "\(difference ?? "no difference")")
    }

    // MARK: - Helpers

    /// Writes the histories' rounds in order, round r of every history in one batch per source, each
    /// batch through one of `stores`; `mine` picks the (history, round) pairs this caller writes.
    static func write(
        _ histories: [RandomHistory], into stores: [PostgresStore], mine: (Int, Int) -> Bool = { _, _ in true }
    ) throws {
        for round in 0..<(histories.map(\.rounds.count).max() ?? 0) {
            var arrivals: [RandomHistory.Arrival] = []
            for (index, history) in histories.enumerated() where round < history.rounds.count && mine(index, round) {
                arrivals += history.rounds[round]
            }
            for (offset, batch) in RandomHistory.batches(arrivals).enumerated() {
                _ = try stores[(round + offset) % stores.count].ingest(batch.orders, source: batch.source)
            }
        }
    }

    static let twins = [
        "latest_order_v", "first_order_events_v", "order_lifecycle_metrics_v", "order_stage_timings_v",
        "order_status_daily_v", "order_status_summary_v", "recent_orders_v", "status_transitions_v",
    ]

    /// nil when every projection-backed view equals its twin (columns, types, rows as a multiset, and
    /// recent_orders_v's order), else the first difference.
    static func compareTwins(_ url: String) throws -> String? {
        let connection = try PGConnection(conninfo: url)
        // Fresh tables have no statistics yet (autovacuum has not run): without them the planner may
        // read a twin's correlated min(seq) down the whole primary key for every order.
        try connection.execute("ANALYZE")
        for view in twins {
            let twin = view.dropLast(2) + "_scratch_v"
            let columns = """
                SELECT string_agg(column_name || ' ' || data_type || ' ' || coalesce(collation_name, ''), ', '
                                  ORDER BY ordinal_position)
                FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
                """
            let mine = try connection.query(columns, [.text(view)]).string(0, 0)
            let theirs = try connection.query(columns, [.text(String(twin))]).string(0, 0)
            guard mine == theirs else { return "\(view): columns \(mine ?? "none") vs \(theirs ?? "none")" }
            let rows = Int(try connection.query("SELECT count(*) FROM \(view)").string(0, 0) ?? "") ?? -1
            guard rows > 0 else { return "\(view): no rows" }
            let differ = try connection.query(
                """
                SELECT 'projection' AS side, * FROM (SELECT * FROM \(view) EXCEPT ALL SELECT * FROM \(twin)) AS a
                UNION ALL
                SELECT 'scratch', * FROM (SELECT * FROM \(twin) EXCEPT ALL SELECT * FROM \(view)) AS b
                LIMIT 4
                """)
            if differ.rowCount > 0 {
                let shown = (0..<differ.rowCount).map { row in
                    (0..<differ.columnCount).map { differ.string(row, $0) ?? "NULL" }.joined(separator: " | ")
                }
                return "\(view): \(shown.joined(separator: "; "))"
            }
        }
        let order = "SELECT string_agg(order_id || '/' || seq, ',') FROM (SELECT order_id, seq FROM %@) AS r"
        let recent = try connection.query(order.replacingOccurrences(of: "%@", with: "recent_orders_v")).string(0, 0)
        let scratch = try connection.query(order.replacingOccurrences(of: "%@", with: "recent_orders_scratch_v"))
            .string(0, 0)
        return recent == scratch ? nil : "recent_orders_v: another order than its twin's"
    }

    static func scalar(_ url: String, _ sql: String) throws -> String {
        let result = try PGConnection(conninfo: url).query(sql)
        return result.rowCount > 0 ? result.string(0, 0) ?? "" : ""
    }
}
