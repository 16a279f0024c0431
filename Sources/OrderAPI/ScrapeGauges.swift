import CoreMetrics
import Telemetry

/// The gauges `/metrics` sets when it is scraped: figures that are read (connections, database sizes,
/// process statistics) rather than counted as they happen.
struct ScrapeGauges: Sendable {
    let openConnections: Gauge
    let databaseBytes: Gauge
    let walBytes: Gauge
    let startTime: Gauge
    let residentMemory: Gauge
    let openFileDescriptors: Gauge

    init(factory: any MetricsFactory) {
        openConnections = Gauge(label: MetricCatalog.openConnections, factory: factory)
        databaseBytes = Gauge(label: MetricCatalog.databaseBytes, factory: factory)
        walBytes = Gauge(label: MetricCatalog.walBytes, factory: factory)
        startTime = Gauge(label: MetricCatalog.processStartTime, factory: factory)
        residentMemory = Gauge(label: MetricCatalog.processResidentMemory, factory: factory)
        openFileDescriptors = Gauge(label: MetricCatalog.processOpenFDs, factory: factory)
    }

    /// Sets every gauge; a process figure that could not be read keeps its last value.
    func update(openConnections connections: Int, files: (database: Int, wal: Int), process: ProcessStatistics) {
        openConnections.record(connections)
        databaseBytes.record(files.database)
        walBytes.record(files.wal)
        if let start = process.startTimeSeconds { startTime.record(start) }
        if let bytes = process.residentMemoryBytes { residentMemory.record(bytes) }
        if let count = process.openFileDescriptors { openFileDescriptors.record(count) }
    }
}
