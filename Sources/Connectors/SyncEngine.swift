package import Logging
import OrderCore
package import Storage
package import SyncCore
import Threads

/// Runs the connectors one after another, storing each page with the connector's new position in one
/// transaction. A failing connector does not stop the others; the run then fails as a whole (so the
/// scheduler retries) while what was stored stays stored, and the next run resumes after it.
package final class SyncEngine {
    let store: any SyncStorage
    let connectors: [any Connector]
    let skipped: [(name: String, reason: String)]
    let logger: Logger
    /// Bound on pages per connector and run (a provider that never stops paging cannot loop forever).
    package var maxPages = 10_000

    package init(
        store: any SyncStorage, connectors: [any Connector], skipped: [(name: String, reason: String)], logger: Logger
    ) {
        self.store = store
        self.connectors = connectors
        self.skipped = skipped
        self.logger = logger
    }

    /// Runs every connector once, then reads the merge figures; `summary` arrives with the run's id,
    /// trigger and start time set.
    package func run(_ summary: SyncSummary) async -> SyncSummary {
        var summary = summary
        let begin = Threads.monotonicSeconds()
        for connector in connectors {
            var report = ConnectorReport(name: connector.name)
            do {
                try await sync(connector, report: &report, runID: summary.runID)
            } catch {
                let failure =
                    error as? SyncFailure
                    ?? SyncFailure(
                        .storage, connector: connector.name, path: "database", status: nil, attempts: 1,
                        message: "storing failed: \(StoreError.wrapping(error))")
                report.status = "failed"
                summary.errors.append(failure)
                logger.error(
                    "sync connector failed",
                    metadata: ["connector": .string(connector.name), "error": .string(failure.description)])
            }
            report.requests = connector.requests
            report.retries = connector.retries
            summary.connectors.append(report)
        }
        for (name, reason) in skipped {
            var report = ConnectorReport(name: name)
            report.status = "skipped"
            report.reason = reason
            summary.connectors.append(report)
        }
        do {
            (summary.mergedOrders, summary.unmatchedOrders) = try store.mergeCounts()
        } catch {
            summary.errors.append(
                SyncFailure(
                    .storage, connector: "merge", path: "merged_orders_v", status: nil, attempts: 1, message: "\(error)"
                ))
        }
        summary.durationSeconds = Threads.monotonicSeconds() - begin
        return summary
    }

    private func sync(_ connector: any Connector, report: inout ConnectorReport, runID: Int64) async throws {
        let saved = try store.state(of: connector.name)
        var highWater = saved.resume == nil ? nil : saved.highWater
        var position = saved.resume.flatMap(SyncEngine.parse) ?? connector.firstPosition(cursor: saved.cursor)
        report.resumed = saved.resume != nil
        while true {
            let fetched: Result<Page, SyncFailure>
            do {
                fetched = .success(try await connector.fetch(position))
            } catch {
                fetched = .failure(error)
            }
            if case .failure(let failure) = fetched, report.resumed, report.pages == 0,
                SyncEngine.isStalePosition(failure)
            {
                // The saved position expired (a page token lives for a day): start over from the
                // cursor. Nothing is lost (the cursor only advanced over complete runs) and nothing is
                // doubled (records already stored are recognised as unchanged).
                logger.warning(
                    "sync resume position refused, starting over", metadata: ["connector": .string(connector.name)])
                try store.saveState(ConnectorState(cursor: saved.cursor), of: connector.name)
                report.resumed = false
                highWater = nil
                position = connector.firstPosition(cursor: saved.cursor)
                continue
            }
            let page = try fetched.get()
            for problem in page.invalid {
                logger.warning(
                    "sync record skipped",
                    metadata: ["connector": .string(connector.name), "problem": .string(problem)])
            }
            for record in page.records { highWater = ProviderTime.later(highWater, record.updatedAt) }
            report.pages += 1
            let state =
                page.next == nil
                ? ConnectorState(cursor: ProviderTime.later(saved.cursor, highWater))
                : ConnectorState(cursor: saved.cursor, resume: page.next.map(SyncEngine.text), highWater: highWater)
            let stored = try store.storePage(
                connector: connector.name, records: page.records, orders: page.orders, state: state, runID: runID)
            report.fetched += page.records.count + page.invalid.count
            report.invalid += page.invalid.count
            report.inserted += stored.inserted
            report.unchanged += stored.unchanged
            report.ordersInserted += stored.ordersInserted
            guard let next = page.next else { return }
            guard report.pages < maxPages else {
                throw SyncFailure(
                    connector: connector.name, path: "/", status: nil, attempts: 1,
                    message: "more than \(maxPages) pages in one run")
            }
            position = next
        }
    }

    /// A 4xx other than auth and rate limits on the first request of a resumed run.
    static func isStalePosition(_ error: SyncFailure) -> Bool {
        guard let status = error.status else { return error.kind == .invalidPosition }
        return (400...499).contains(status) && ![401, 403, 429].contains(status)
    }

    static func parse(_ text: String) -> JSONValue? {
        try? JSONParser.parse(Array(text.utf8))
    }

    static func text(_ value: JSONValue) -> String {
        String(decoding: JSONWriter.canonical(value), as: UTF8.self)
    }
}
