import Foundation
import OrderAPI
import Telemetry
import Testing

@Suite struct MetricCatalogTests {
    @Test func namesAreUniqueAndFollowPrometheusConventions() {
        let names = MetricCatalog.all.map(\.name)
        #expect(Set(names).count == names.count)
        for metric in MetricCatalog.all {
            #expect(metric.name.hasSuffix("_total") == (metric.kind == .counter), "\(metric.name)")
            #expect(metric.name.hasPrefix("ordersync_") || metric.name.hasPrefix("process_"), "\(metric.name)")
            #expect(!metric.help.isEmpty)
            #expect(metric.buckets.isEmpty == (metric.kind != .histogram), "\(metric.name)")
            #expect(metric.buckets == metric.buckets.sorted(), "\(metric.name)")
        }
    }

    /// README.md's metrics table lists every family with its type and labels.
    @Test func readmeDocumentsEveryFamily() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| `") }
        for metric in MetricCatalog.all {
            let row = rows.first { $0.hasPrefix("| `\(metric.name)` |") }
            #expect(row != nil, "README.md lacks a row for \(metric.name)")
            guard let row else { continue }
            #expect(row.contains("| \(metric.kind.rawValue) |"), "\(metric.name): type")
            for label in metric.labels { #expect(row.contains("`\(label)`"), "\(metric.name): label \(label)") }
        }
    }
}
