import CoreMetrics
import HTTPServer
import Synchronization
import Telemetry

/// The gauges `/metrics` sets when it is scraped: figures that are read (connections, database sizes,
/// process statistics, the request memory budget) rather than counted as they happen.
final class ScrapeGauges: Sendable {
    let openConnections: Gauge
    let requestMemoryBytes: Gauge
    let requestMemoryBudget: Gauge
    /// Counted by the server's budget; brought up to its count at each scrape.
    let requestMemoryRefused: Counter
    private let refusedReported = Atomic<Int>(0)
    let databaseBytes: Gauge
    let walBytes: Gauge
    let startTime: Gauge
    let residentMemory: Gauge
    let openFileDescriptors: Gauge

    init(factory: any MetricsFactory) {
        openConnections = Gauge(label: MetricCatalog.openConnections, factory: factory)
        requestMemoryBytes = Gauge(label: MetricCatalog.requestMemoryBytes, factory: factory)
        requestMemoryBudget = Gauge(label: MetricCatalog.requestMemoryBudget, factory: factory)
        requestMemoryRefused = Counter(label: MetricCatalog.requestMemoryRefused, factory: factory)
        databaseBytes = Gauge(label: MetricCatalog.databaseBytes, factory: factory)
        walBytes = Gauge(label: MetricCatalog.walBytes, factory: factory)
        startTime = Gauge(label: MetricCatalog.processStartTime, factory: factory)
        residentMemory = Gauge(label: MetricCatalog.processResidentMemory, factory: factory)
        openFileDescriptors = Gauge(label: MetricCatalog.processOpenFDs, factory: factory)
    }

    /// Sets every gauge; a process figure that could not be read keeps its last value.
    func update(
        openConnections connections: Int, requestMemory: RequestMemoryBudget?, files: (database: Int, wal: Int),
        process: ProcessStatistics
    ) {
        openConnections.record(connections)
        if let requestMemory {
            requestMemoryBytes.record(requestMemory.bufferedBytes)
            requestMemoryBudget.record(requestMemory.limitBytes)
            // Scrapes may overlap: each adds only what no other scrape added.
            let refused = requestMemory.refusedRequests
            var before = refusedReported.load(ordering: .relaxed)
            while refused > before {
                let (exchanged, original) = refusedReported.compareExchange(
                    expected: before, desired: refused, ordering: .relaxed)
                if exchanged {
                    requestMemoryRefused.increment(by: Int64(refused - before))
                    break
                }
                before = original
            }
        }
        databaseBytes.record(files.database)
        walBytes.record(files.wal)
        if let start = process.startTimeSeconds { startTime.record(start) }
        if let bytes = process.residentMemoryBytes { residentMemory.record(bytes) }
        if let count = process.openFileDescriptors { openFileDescriptors.record(count) }
    }
}
