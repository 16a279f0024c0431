import OrderCore

/// What one sync run did: the JSON body `/sync` answers with and `sync_runs.summary` keeps.
package struct SyncSummary: Sendable {
    package var runID: Int64 = 0
    package var trigger = "cli"
    package var startedAt = ""
    package var durationSeconds = 0.0
    /// One report per configured or skipped connector, in run order.
    package var connectors: [ConnectorReport] = []
    /// Synced orders in merged_orders_v, and those without a customer record.
    package var mergedOrders = 0
    package var unmatchedOrders = 0
    /// Failures that make the run fail (also inside each connector's report).
    package var errors: [SyncFailure] = []

    package init() {}

    /// True when every configured connector finished.
    package var succeeded: Bool { errors.isEmpty }

    /// The summary as JSON (keys in a fixed order, so it reads well in logs and `curl`).
    package func json() -> [UInt8] {
        var writer = JSONWriter(capacity: 1_024)
        writer.raw("{\"run_id\":\(runID),\"status\":")
        writer.string(succeeded ? "succeeded" : "failed")
        writer.raw(",\"trigger\":")
        writer.string(trigger)
        writer.raw(",\"started_at\":")
        writer.string(startedAt)
        writer.raw(",\"duration_seconds\":\(SyncSummary.decimal(durationSeconds)),\"connectors\":{")
        for (index, report) in connectors.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.string(report.name)
            writer.raw(":")
            report.write(to: &writer)
        }
        var totals = ConnectorReport(name: "totals")
        for report in connectors { totals.add(report) }
        writer.raw(
            "},\"totals\":{\"fetched\":\(totals.fetched),\"pages\":\(totals.pages),\"requests\":\(totals.requests),"
                + "\"inserted\":\(totals.inserted),\"unchanged\":\(totals.unchanged),\"retries\":\(totals.retries)},"
                + "\"merged_orders\":\(mergedOrders),\"unmatched_orders\":\(unmatchedOrders),\"errors\":[")
        for (index, error) in errors.enumerated() {
            if index > 0 { writer.raw(",") }
            error.write(to: &writer)
        }
        writer.raw("]}")
        return writer.bytes
    }

    /// Seconds with millisecond precision, as JSON number text.
    package static func decimal(_ seconds: Double) -> String {
        let milliseconds = Int64((seconds * 1_000).rounded())
        let whole = milliseconds / 1_000
        let fraction = String(milliseconds % 1_000)
        return "\(whole).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}

/// One connector's part of a run.
package struct ConnectorReport: Sendable {
    package let name: String
    /// `succeeded`, `failed`, or `skipped` (its configuration is absent).
    package var status = "succeeded"
    /// Why it was skipped (which variables are missing).
    package var reason: String?
    package var fetched = 0
    package var pages = 0
    package var requests = 0
    package var inserted = 0
    package var unchanged = 0
    package var retries = 0
    /// Records that could not be read (no id, bad date): not stored, counted here and logged.
    package var invalid = 0
    /// Orders appended to orders_raw (Shopify only).
    package var ordersInserted = 0
    /// The run resumed an unfinished earlier run of this connector.
    package var resumed = false

    package init(name: String) {
        self.name = name
    }

    mutating func add(_ other: ConnectorReport) {
        fetched += other.fetched
        pages += other.pages
        requests += other.requests
        inserted += other.inserted
        unchanged += other.unchanged
        retries += other.retries
    }

    func write(to writer: inout JSONWriter) {
        writer.raw("{\"status\":")
        writer.string(status)
        if let reason {
            writer.raw(",\"reason\":")
            writer.string(reason)
        }
        writer.raw(
            ",\"fetched\":\(fetched),\"pages\":\(pages),\"requests\":\(requests),\"inserted\":\(inserted),"
                + "\"unchanged\":\(unchanged),\"retries\":\(retries),\"invalid\":\(invalid),"
                + "\"orders_inserted\":\(ordersInserted),\"resumed\":\(resumed)}")
    }
}

/// A failure of one connector, reported with the provider, the URL path (never a query string or a
/// token), the HTTP status when there was one, and the number of attempts.
package struct SyncFailure: Error, Sendable, CustomStringConvertible {
    /// What failed: decides the answer (502 for a provider, 503 otherwise) and whether a resumed run
    /// may start over.
    package enum Kind: Sendable, Equatable {
        /// The provider failed or answered something unusable (after retries).
        case provider
        /// The whole-run deadline left no time for the next request or wait.
        case deadline
        /// The database could not store or read.
        case storage
        /// A saved resume position could not be read back.
        case invalidPosition
    }

    package let kind: Kind
    package let connector: String
    package let path: String
    package let status: Int?
    package let attempts: Int
    package let message: String

    package init(
        _ kind: Kind = .provider, connector: String, path: String, status: Int?, attempts: Int, message: String
    ) {
        self.kind = kind
        self.connector = connector
        self.path = path
        self.status = status
        self.attempts = attempts
        self.message = message
    }

    /// A resume position the connector cannot use.
    package static func invalidPosition(_ connector: String) -> SyncFailure {
        SyncFailure(
            .invalidPosition, connector: connector, path: "/", status: nil, attempts: 0,
            message: "invalid resume position")
    }

    package var description: String {
        let http = status.map { "HTTP \($0), " } ?? ""
        return "\(connector) \(path): \(message) (\(http)\(attempts) attempt\(attempts == 1 ? "" : "s"))"
    }

    func write(to writer: inout JSONWriter) {
        writer.raw("{\"connector\":")
        writer.string(connector)
        writer.raw(",\"path\":")
        writer.string(path)
        writer.raw(",\"status\":\(status.map(String.init) ?? "null"),\"attempts\":\(attempts),\"message\":")
        writer.string(message)
        writer.raw("}")
    }
}
