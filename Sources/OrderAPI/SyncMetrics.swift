package import CoreMetrics
package import OrderCore
import Synchronization

/// Metrics of the `/sync` runs: runs by outcome, and from each run's JSON summary the records
/// inserted and unchanged, the retries and the errors of every connector.
///
/// Connector names come from the worker's summary, so they are checked before they become labels:
/// short lower-case names only, and at most `maxConnectors` different ones; anything else is `other`.
package final class SyncMetrics: Sendable {
    /// How a `/sync` request ended (the `status` label).
    package enum RunStatus: String, CaseIterable, Sendable {
        /// Every connector finished.
        case succeeded
        /// A provider failed or the worker could not finish (a summary tells which connector).
        case failed
        /// Another run held the lock (409).
        case busy
        /// The worker was stopped (deadline or shutdown) before it finished.
        case stopped
        /// The worker could not start, could not open its configuration or database, or died.
        case error
    }

    /// Different connector labels kept at most (there are three connectors today).
    package static let maxConnectors = 16
    /// Longest connector name kept as a label.
    package static let maxConnectorNameLength = 32
    /// The label of a connector name that is not kept.
    package static let otherConnector = "other"

    private struct ConnectorSeries: Sendable {
        let inserted: Counter
        let unchanged: Counter
        let retries: Counter
        let errors: Counter
    }

    private let factory: any MetricsFactory
    private let runs: [RunStatus: Counter]
    private let connectors = Mutex<[String: ConnectorSeries]>([:])

    /// Counters made by `factory`; every run status exists from the start.
    package init(factory: any MetricsFactory) {
        self.factory = factory
        // At 0 from the start, so a rate over the first failure is not lost.
        var runs: [RunStatus: Counter] = [:]
        for status in RunStatus.allCases {
            runs[status] = Counter(
                label: MetricCatalog.syncRuns, dimensions: [("status", status.rawValue)], factory: factory)
        }
        self.runs = runs
    }

    /// Counts one run, and the figures of its summary when there is one.
    package func record(_ status: RunStatus, summary: JSONValue?) {
        runs[status]?.increment()
        guard let summary else { return }
        if case .object(let reports)? = summary["connectors"] {
            for (name, report) in reports.members {
                let series = connector(name)
                if let inserted = SyncMetrics.count(report["inserted"]) { series.inserted.increment(by: inserted) }
                if let unchanged = SyncMetrics.count(report["unchanged"]) { series.unchanged.increment(by: unchanged) }
                if let retries = SyncMetrics.count(report["retries"]) { series.retries.increment(by: retries) }
            }
        }
        if case .array(let errors)? = summary["errors"] {
            for error in errors {
                guard case .string(let name)? = error["connector"] else { continue }
                connector(name).errors.increment()
            }
        }
    }

    /// The label a connector name gets: itself when it is a plausible name and there is room.
    package func label(for name: String) -> String {
        let plausible =
            !name.isEmpty && name.utf8.count <= SyncMetrics.maxConnectorNameLength
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
        guard plausible else { return SyncMetrics.otherConnector }
        let known = connectors.withLock { $0[name] != nil || $0.count < SyncMetrics.maxConnectors }
        return known ? name : SyncMetrics.otherConnector
    }

    private func connector(_ name: String) -> ConnectorSeries {
        let label = label(for: name)
        if let existing = connectors.withLock({ $0[label] }) { return existing }
        func counter(_ metric: String, _ extra: [(String, String)] = []) -> Counter {
            Counter(label: metric, dimensions: [("connector", label)] + extra, factory: factory)
        }
        let made = ConnectorSeries(
            inserted: counter(MetricCatalog.syncRecords, [("outcome", "inserted")]),
            unchanged: counter(MetricCatalog.syncRecords, [("outcome", "unchanged")]),
            retries: counter(MetricCatalog.syncRetries), errors: counter(MetricCatalog.syncErrors))
        return connectors.withLock { table in
            if let existing = table[label] { return existing }
            table[label] = made
            return made
        }
    }

    /// A non-negative integer from a summary number.
    private static func count(_ value: JSONValue?) -> Int? {
        guard case .number(let text)? = value, let number = Int(text), number > 0 else { return nil }
        return number
    }
}
