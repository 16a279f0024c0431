import Foundation
import OrderCore
import OrderStore
import Storage
import SQLite
import Testing

/// The writer: append-only storage, the unchanged rules, atomic batches, and group commit.
@Suite struct OrderWriterTests {
    private func order(_ id: String, status: String = "new", updatedAt: String? = nil) -> Order {
        var text = #"{"order_id":"\#(id)","order_date":"2025-08-08","order_status":"\#(status)""#
        if let updatedAt { text += #","updated_at":"\#(updatedAt)""# }
        text += "}"
        guard case .success(let orders) = OrderBatch.decode(Array(text.utf8)), let order = orders.first else {
            fatalError("bad test order \(text)")
        }
        return order
    }

    @Test func ordersRawRefusesUpdateAndDelete() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        _ = try store.writer.ingest([order("a")])
        store.close()
        let db = try fixture.connection()
        #expect { try db.execute("UPDATE orders_raw SET order_status = 'x'") } throws: {
            "\($0)".contains("append-only")
        }
        #expect { try db.execute("DELETE FROM orders_raw") } throws: { "\($0)".contains("append-only") }
        #expect(try db.scalarInt("SELECT count(*) FROM orders_raw") == 1)
    }

    @Test func unchangedRulesFollowTheSpec() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        defer { store.close() }
        #expect(try store.writer.ingest([order("a"), order("a")]) == IngestResult(inserted: 1, unchanged: 1))
        #expect(try store.writer.ingest([order("a", status: "paid")]) == IngestResult(inserted: 1, unchanged: 0))
        let timed = order("a", status: "shipped", updatedAt: "2025-08-09T10:00:00Z")
        #expect(try store.writer.ingest([timed]) == IngestResult(inserted: 1, unchanged: 0))
        // Same updated_at, other content: the same event.
        #expect(
            try store.writer.ingest([order("a", status: "lost", updatedAt: "2025-08-09T12:00:00+02:00")])
                == IngestResult(inserted: 0, unchanged: 1))
        // Identical to the latest (the one with the greatest updated_at).
        #expect(try store.writer.ingest([timed]) == IngestResult(inserted: 0, unchanged: 1))
        // An untimed version identical to an older untimed one is new relative to the latest.
        #expect(try store.writer.ingest([order("a")]) == IngestResult(inserted: 1, unchanged: 0))
    }

    @Test func concurrentBatchesShareCommitsAndAllLand() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        let writer = store.writer
        let group = DispatchGroup()
        for thread in 0..<32 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                for batch in 0..<20 {
                    let orders = (0..<5).map { index -> Order in
                        let text =
                            #"{"order_id":"t\#(thread)-b\#(batch)-\#(index)","order_date":"2025-08-08","order_status":"new"}"#
                        guard case .success(let decoded) = OrderBatch.decode(Array(text.utf8)) else { fatalError() }
                        return decoded[0]
                    }
                    _ = try? writer.ingest(orders)
                }
            }
        }
        group.wait()
        let stats = writer.stats
        store.close()
        #expect(stats.batches == 640)
        #expect(stats.inserted == 3_200)
        // Group commit at work: far fewer commits than batches when 32 writers wait at once.
        #expect(stats.commits < stats.batches)
        #expect(try fixture.connection().scalarInt("SELECT count(*) FROM orders_raw") == 3_200)
    }

    @Test func aClosedWriterRefusesNewBatches() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        store.close()
        #expect(throws: StoreError.self) { try store.writer.ingest([order("late")]) }
    }

    @Test func latestViewMatchesTheHistoryRule() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        defer { store.close() }
        _ = try store.writer.ingest([
            order("m", status: "first", updatedAt: "2025-01-02"), order("m", status: "older", updatedAt: "2025-01-01"),
            order("m", status: "untimed"), order("n", status: "one"), order("n", status: "two"),
        ])
        var latest: [String: String] = [:]
        _ = try store.latest(LatestFilter(), limit: 10) { row in
            latest[row.string(.orderID) ?? ""] = row.string(.status)
        }
        let history = try store.history(of: "m")
        #expect(history.versions.count == 3)
        #expect(history.total == 3)
        #expect(history.latest?.status == "first")
        let bounded = try store.history(of: "m", limit: 2)
        #expect(bounded.versions.map(\.status) == ["older", "untimed"])
        #expect(bounded.total == 3)
        #expect(bounded.latest?.status == "first")
        #expect(latest == ["m": "first", "n": "two"])
    }
}
