import Dispatch
import Foundation
import OrderCore
import OrderStore
import Storage
import Telemetry
import Testing

/// The writer's swift-metrics: stored and unchanged orders, refused batches, and one observation per
/// committed transaction in the commit histograms, agreeing with the writer's own statistics.
@Suite struct WriterMetricsTests {
    private func orders(_ ids: [String]) -> [Order] {
        let text =
            "["
            + ids.map { #"{"order_id":"\#($0)","order_date":"2025-08-08","order_status":"new"}"# }
            .joined(separator: ",") + "]"
        guard case .success(let orders) = OrderBatch.decode(Array(text.utf8)) else { fatalError("bad test orders") }
        return orders
    }

    /// The value of one exposition line written exactly as `series`.
    private func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap {
            Double($0.dropFirst(series.count + 1))
        }
    }

    @Test func countsOrdersAndObservesEveryCommit() throws {
        let fixture = try StoreFixture()
        let registry = MetricsRegistry(descriptions: [])
        let store = try OrderStore(
            path: fixture.dbPath, sqlDirectory: fixture.sqlDirectory, metricsFactory: registry.factory)
        // Before any batch: every family is there, at zero.
        var text = String(decoding: registry.exposition(), as: UTF8.self)
        #expect(value(text, WriterMetrics.ordersInserted) == 0)
        #expect(value(text, WriterMetrics.commitDuration + "_count") == 0)

        _ = try store.writer.ingest(orders(["a", "b", "c"]))
        _ = try store.writer.ingest(orders(["a", "d"]))
        let group = DispatchGroup()
        for thread in 0..<8 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                for batch in 0..<10 { _ = try? store.writer.ingest(orders(["t\(thread)-\(batch)"])) }
            }
        }
        group.wait()
        let stats = store.writer.stats
        store.close()

        text = String(decoding: registry.exposition(), as: UTF8.self)
        #expect(value(text, WriterMetrics.ordersInserted) == 84)
        #expect(value(text, WriterMetrics.ordersUnchanged) == 1)
        #expect(value(text, WriterMetrics.failedBatches) == 0)
        #expect(value(text, WriterMetrics.commitDuration + "_count") == Double(stats.commits))
        #expect(value(text, WriterMetrics.commitRows + "_count") == Double(stats.commits))
        #expect(value(text, WriterMetrics.commitRows + "_sum") == 84)
        #expect(value(text, WriterMetrics.commitBatches + "_sum") == 82)
    }
}
