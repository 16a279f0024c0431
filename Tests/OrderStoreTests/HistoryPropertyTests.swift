import Foundation
import OrderStore
import Storage
import SQLite
import Testing

/// Issue 10 item 2: random histories written through the real writer, and every lifecycle view
/// compared row for row with HistoryOracle (docs/contract.md §2 and the views' header comments),
/// computed from the rows that were actually stored. Today it checks the from-scratch views; the
/// projections must answer exactly these rows too.
@Suite struct HistoryPropertyTests {
    /// Histories per run. Issue 10 asks for at least 10,000 in CI; set
    /// HISTORY_CASES for a longer local run, HISTORY_SEED to replay one history.
    static let cases: Int = ProcessInfo.processInfo.environment["HISTORY_CASES"].flatMap(Int.init) ?? 10_000
    /// Histories sharing one database (distinct order ids), so a run opens a few files, not thousands.
    static let perDatabase = 250

    @Test func everyViewEqualsTheOracle() throws {
        if let text = ProcessInfo.processInfo.environment["HISTORY_SEED"], let seed = UInt64(text) {
            if let failure = try Self.check(seeds: [seed]) { Issue.record("seed \(seed): \(failure)") }
            return
        }
        var first: UInt64 = 0
        while first < UInt64(Self.cases) {
            let seeds = Array(first..<min(UInt64(Self.cases), first + UInt64(Self.perDatabase)))
            first += UInt64(Self.perDatabase)
            guard let failure = try Self.check(seeds: seeds) else { continue }
            // Name the smallest failing case: replay each history of the group alone.
            for seed in seeds {
                if let alone = try Self.check(seeds: [seed]) {
                    Issue.record("seed \(seed) (replay with HISTORY_SEED=\(seed)): \(alone)")
                    return
                }
            }
            Issue.record("seeds \(seeds.first!)...\(seeds.last!) together (none fails alone): \(failure)")
            return
        }
    }

    /// Writes the histories of `seeds` into a fresh database (its SQL files changed first by `prepare`);
    /// nil when every view equals the oracle, else the first difference.
    static func check(seeds: [UInt64], prepare: (StoreFixture) throws -> Void = { _ in }) throws -> String? {
        let fixture = try StoreFixture()
        try prepare(fixture)
        let db = try write(seeds: seeds, into: fixture).db
        let oracle = HistoryOracle(versions: try stored(db), stages: try stages(db))
        for (view, sql) in HistoryOracle.queries {
            if let difference = compare(actual: try rows(db, sql), expected: oracle.expected(view)) {
                return "\(view): \(difference)"
            }
        }
        return try compareTwins(db)
    }

    /// Views read from the projections, each with its from-scratch twin (sql/views/*_scratch_v.sql).
    static let twins = [
        "latest_order_v", "first_order_events_v", "order_lifecycle_metrics_v", "order_stage_timings_v",
        "order_status_daily_v", "order_status_summary_v", "recent_orders_v", "status_transitions_v",
    ]

    /// Issue 10 item 2: every projection-backed view equals its twin row for row, exactly: same types,
    /// same values bit for bit, same order (recent_orders_v in its own order, the others by every
    /// column). nil when all agree, else the first difference.
    static func compareTwins(_ db: Connection) throws -> String? {
        for view in twins {
            let twin = view.dropLast(2) + "_scratch_v"
            let columns = try rows(db, "SELECT name FROM pragma_table_info('\(view)')").count
            let order = view == "recent_orders_v" ? "" : " ORDER BY " + (1...columns).map(String.init).joined(separator: ", ")
            let actual = try rows(db, "SELECT * FROM \(view)\(order)")
            let expected = try rows(db, "SELECT * FROM \(twin)\(order)")
            for index in 0..<max(actual.count, expected.count) {
                let a = index < actual.count ? actual[index] : nil
                let e = index < expected.count ? expected[index] : nil
                if let a, let e, a.map(\.description) == e.map(\.description), a.map(\.kind) == e.map(\.kind) { continue }
                return "\(view) vs \(twin): row \(index): projection \(a.map(String.init(describing:)) ?? "none"), "
                    + "scratch \(e.map(String.init(describing:)) ?? "none")"
            }
        }
        return nil
    }

    /// Writes the histories through the store's writer, closes it, and opens the file for reading;
    /// `unchanged` is how many versions the writer did not store again.
    static func write(seeds: [UInt64], into fixture: StoreFixture) throws -> (db: Connection, unchanged: Int) {
        let histories = seeds.map { RandomHistory(seed: $0, orderPrefix: "h\($0)") }
        let store = try fixture.open()
        // Round r of every history in one batch per source: histories never share an order, so this
        // is the same as writing them one after another, with far fewer commits.
        var unchanged = 0
        for round in 0..<(histories.map(\.rounds.count).max() ?? 0) {
            let arrivals = histories.flatMap { round < $0.rounds.count ? $0.rounds[round] : [] }
            for batch in RandomHistory.batches(arrivals) {
                unchanged += try store.writer.ingest(batch.orders, source: batch.source).unchanged
            }
        }
        store.close()
        return (try fixture.connection(), unchanged)
    }

    /// The generator reaches the hard cases of issue 10 item 2 (else the comparison above proves little).
    @Test func theHistoriesHoldTheHardCases() throws {
        let fixture = try StoreFixture()
        let (db, unchanged) = try Self.write(seeds: Array(0..<250), into: fixture)
        let versions = try Self.stored(db)
        #expect(unchanged > 0)  // identical resends and same-updated_at versions met the writer's rules
        #expect(versions.contains { $0.updatedAt == nil })
        #expect(versions.contains { $0.updatedAt?.hasPrefix("2025-08-") ?? false })
        #expect(Set(versions.map(\.source)) == ["api", "shopify"])
        #expect(versions.contains { $0.status.contains("SHIPPED") || $0.status == "Shipped" })
        #expect(versions.contains { ["paid", "fulfilled", "authorized"].contains($0.status) })
        #expect(versions.contains { $0.status == "EXPÉDIÉ" })  // ASCII case folding only
        let byOrder = Dictionary(grouping: versions, by: \.orderID)
        // An older event stored after a newer one (out of event order).
        #expect(byOrder.values.contains { versions in
            let timed = versions.compactMap(\.updatedAt)
            return zip(timed, timed.dropFirst()).contains { $0 > $1 }
        })
        #expect(byOrder.values.contains { Set($0.map(\.source)).count == 2 })
        #expect(byOrder.values.contains { versions in
            zip(versions, versions.dropFirst()).contains { $0.status.lowercased() == $1.status.lowercased() }
        })
    }

    /// The harness catches a view that breaks its rule: here "first to arrive" read as "first event".
    @Test func aViewThatBreaksItsRuleIsCaught() throws {
        let failure = try Self.check(seeds: Array(0..<250)) { fixture in
            let path = fixture.sqlDirectory + "/views/first_order_events_v.sql"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let broken = text.replacingOccurrences(of: "o.seq = s.first_seq", with: "o.seq = s.earliest_seq")
            #expect(broken != text)
            try fixture.write("views/first_order_events_v.sql", broken)
        }
        #expect(failure?.hasPrefix("first_order_events_v: row ") ?? false, "\(failure ?? "no difference")")
    }

    /// The twin comparison catches a projection-backed view that drifts from its from-scratch twin: here
    /// a median that takes the lower middle entry twice (wrong for an even count only).
    @Test func aProjectionThatDriftsFromItsTwinIsCaught() throws {
        for view in ["order_stage_timings_v", "status_transitions_v"] {
            let failure = try Self.check(seeds: Array(0..<250)) { fixture in
                let path = fixture.sqlDirectory + "/views/\(view).sql"
                let text = try String(contentsOfFile: path, encoding: .utf8)
                let broken = text.replacingOccurrences(of: "+ 2) / 2 AS k2", with: "+ 1) / 2 AS k2")
                #expect(broken != text)
                try fixture.write("views/\(view).sql", broken)
            }
            #expect(failure?.contains("\(view)") ?? false, "\(failure ?? "no difference")")
        }
    }

    /// The first differing row (or the missing / extra one), in key order.
    static func compare(actual: [[Cell]], expected: [[Cell]]) -> String? {
        for index in 0..<max(actual.count, expected.count) {
            let a = index < actual.count ? actual[index] : nil
            let e = index < expected.count ? expected[index] : nil
            if let a, let e, a.count == e.count, zip(a, e).allSatisfy({ $0.matches($1) }) { continue }
            return "row \(index): view \(a.map(String.init(describing:)) ?? "none"), oracle \(e.map(String.init(describing:)) ?? "none")"
        }
        return nil
    }

    static func stored(_ db: Connection) throws -> [StoredVersion] {
        let sql = "SELECT seq, order_id, order_date, order_status, updated_at, ingested_at, source FROM orders_raw ORDER BY seq"
        return try rows(db, sql).map { row in
            guard case .int(let seq) = row[0], case .text(let id) = row[1], case .text(let date) = row[2],
                case .text(let status) = row[3], case .text(let ingested) = row[5], case .text(let source) = row[6]
            else { fatalError("unexpected orders_raw row \(row)") }
            let updatedAt: String? = if case .text(let text) = row[4] { text } else { nil }
            return StoredVersion(
                seq: seq, orderID: id, orderDate: date, status: status, updatedAt: updatedAt, ingestedAt: ingested,
                source: source)
        }
    }

    static func stages(_ db: Connection) throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try rows(db, "SELECT status, stage FROM status_stages") {
            if case .text(let status) = row[0], case .text(let stage) = row[1] { result[status] = stage }
        }
        return result
    }

    static func rows(_ db: Connection, _ sql: String) throws -> [[Cell]] {
        let statement = try db.prepare(sql)
        var result: [[Cell]] = []
        while try statement.step() {
            result.append(
                (0..<statement.columnCount).map { column in
                    switch statement.columnType(column) {
                    case .null: .null
                    case .integer: .int(statement.int64(column))
                    case .float: .real(statement.double(column))
                    case .text, .blob: .text(statement.string(column) ?? "")
                    }
                })
        }
        return result
    }
}
