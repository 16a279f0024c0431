import CoreMetrics
import HTTPServer
import Synchronization
import Telemetry

/// The gauges `/metrics` sets when it is scraped: figures that are read (connections, database sizes,
/// process statistics, the request memory budget) rather than counted as they happen.
final class ScrapeGauges: Sendable {
    let openConnections: Gauge
    let idleConnections: Gauge
    let maxConnections: Gauge
    let workerThreads: Gauge
    let busyWorkerThreads: Gauge
    let maxWorkerThreads: Gauge
    /// Counted by the server; brought up to its count at each scrape.
    let evictedConnections: Counter
    private let evictedReported = Atomic<Int>(0)
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
        idleConnections = Gauge(label: MetricCatalog.idleConnections, factory: factory)
        maxConnections = Gauge(label: MetricCatalog.maxConnections, factory: factory)
        workerThreads = Gauge(label: MetricCatalog.workerThreads, factory: factory)
        busyWorkerThreads = Gauge(label: MetricCatalog.busyWorkerThreads, factory: factory)
        maxWorkerThreads = Gauge(label: MetricCatalog.maxWorkerThreads, factory: factory)
        evictedConnections = Counter(label: MetricCatalog.evictedConnections, factory: factory)
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
        connections: HTTPServer.Figures, requestMemory: RequestMemoryBudget?, files: (database: Int, wal: Int),
        process: ProcessStatistics
    ) {
        openConnections.record(connections.open)
        idleConnections.record(connections.idle)
        maxConnections.record(connections.max)
        workerThreads.record(connections.workers)
        busyWorkerThreads.record(connections.busyWorkers)
        maxWorkerThreads.record(connections.maxWorkers)
        Self.catchUp(evictedConnections, reported: evictedReported, to: connections.evicted)
        if let requestMemory {
            requestMemoryBytes.record(requestMemory.bufferedBytes)
            requestMemoryBudget.record(requestMemory.limitBytes)
            Self.catchUp(requestMemoryRefused, reported: refusedReported, to: requestMemory.refusedRequests)
        }
        databaseBytes.record(files.database)
        walBytes.record(files.wal)
        if let start = process.startTimeSeconds { startTime.record(start) }
        if let bytes = process.residentMemoryBytes { residentMemory.record(bytes) }
        if let count = process.openFileDescriptors { openFileDescriptors.record(count) }
    }

    /// Brings a counter kept elsewhere up to `count`. Scrapes may overlap: each adds only what no other
    /// scrape added.
    private static func catchUp(_ counter: Counter, reported: borrowing Atomic<Int>, to count: Int) {
        var before = reported.load(ordering: .relaxed)
        while count > before {
            let (exchanged, original) = reported.compareExchange(expected: before, desired: count, ordering: .relaxed)
            if exchanged {
                counter.increment(by: Int64(count - before))
                return
            }
            before = original
        }
    }
}
