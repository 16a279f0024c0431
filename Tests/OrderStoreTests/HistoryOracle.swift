import OrderCore

/// One value of a view row, as SQLite answered it or the oracle computed it.
enum Cell: CustomStringConvertible {
    case null, int(Int64), real(Double), text(String)

    /// Reals are the views' rounded numbers: equal within one unit of the last kept digit plus float
    /// noise, because SQLite's julianday arithmetic and round() may land a value on the other side of
    /// a rounding boundary than plain millisecond arithmetic does.
    func matches(_ other: Cell) -> Bool {
        switch (self, other) {
        case (.null, .null): true
        case (.int(let a), .int(let b)): a == b
        case (.text(let a), .text(let b)): a == b
        case (.real(let a), .real(let b)): abs(a - b) <= 0.001 + 1e-9
        case (.int(let a), .real(let b)), (.real(let b), .int(let a)): abs(Double(a) - b) <= 0.001 + 1e-9
        default: false
        }
    }

    /// The storage class, for comparisons that must be exact.
    var kind: Int {
        switch self {
        case .null: 0
        case .int: 1
        case .real: 2
        case .text: 3
        }
    }

    var description: String {
        switch self {
        case .null: "NULL"
        case .int(let value): "\(value)"
        case .real(let value): "\(value)"
        case .text(let value): "'\(value)'"
        }
    }
}

/// A stored row of `orders_raw`, as read back after the writes.
struct StoredVersion {
    let seq: Int64
    let orderID: String
    let orderDate: String
    let status: String
    let updatedAt: String?
    let ingestedAt: String
    let source: String

    /// The event time the lifecycle views use: updated_at, else ingested_at (both normalised UTC text
    /// of one width, so text order is time order).
    var eventAt: String { updatedAt ?? ingestedAt }
}

/// The views' documented meaning (docs/contract.md §2 and the header comment of each file in
/// sql/views/), computed in plain Swift from the stored versions, independent of the SQL. Each function
/// returns the view's rows sorted by its key, in the column order of `HistoryOracle.queries`.
struct HistoryOracle {
    let versions: [StoredVersion]
    /// status (lower-cased) -> stage, the vocabulary table sql/tables/status_stages.sql.
    let stages: [String: String]

    /// The columns compared per view, ordered by the view's key.
    static let queries: [(view: String, sql: String)] = [
        ("latest_order_v", "SELECT order_id, order_date, order_status, updated_at, ingested_at, versions, source, seq FROM latest_order_v ORDER BY order_id"),
        ("first_order_events_v", "SELECT order_id, first_status, first_seen_at, order_date, source, seq, first_stage FROM first_order_events_v ORDER BY order_id"),
        ("order_status_summary_v", "SELECT status, orders, share, stage FROM order_status_summary_v ORDER BY status"),
        ("order_status_daily_v", "SELECT day, status, orders, stage FROM order_status_daily_v ORDER BY day, status"),
        ("status_transitions_v", "SELECT from_status, to_status, transitions, median_hours, avg_hours, from_stage, to_stage FROM status_transitions_v ORDER BY from_status, to_status"),
    ]

    func expected(_ view: String) -> [[Cell]] {
        switch view {
        case "latest_order_v": latestOrder()
        case "first_order_events_v": firstOrderEvents()
        case "order_status_summary_v": statusSummary()
        case "order_status_daily_v": statusDaily()
        case "status_transitions_v": statusTransitions()
        default: fatalError("no oracle for \(view)")
        }
    }

    private var byOrder: [(id: String, versions: [StoredVersion])] {
        Dictionary(grouping: versions, by: \.orderID).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// docs/contract.md §2: latest = greatest updated_at among versions that carry one, else greatest
    /// seq; ties go to the greater seq.
    private func latest(_ versions: [StoredVersion]) -> StoredVersion {
        let timed = versions.filter { $0.updatedAt != nil }
        if let best = timed.max(by: { ($0.updatedAt!, $0.seq) < ($1.updatedAt!, $1.seq) }) { return best }
        return versions.max { $0.seq < $1.seq }!
    }

    private func stage(_ status: String) -> Cell { stages[status].map(Cell.text) ?? .null }

    func latestOrder() -> [[Cell]] {
        byOrder.map { id, versions in
            let l = latest(versions)
            return [
                .text(id), .text(l.orderDate), .text(l.status), l.updatedAt.map(Cell.text) ?? .null, .text(l.ingestedAt),
                .int(Int64(versions.count)), .text(l.source), .int(l.seq),
            ]
        }
    }

    /// The first version to arrive (least seq).
    func firstOrderEvents() -> [[Cell]] {
        byOrder.map { id, versions in
            let f = versions.min { $0.seq < $1.seq }!
            return [
                .text(id), .text(f.status), .text(f.eventAt), .text(f.orderDate), .text(f.source), .int(f.seq),
                stage(lower(f.status)),
            ]
        }
    }

    /// Current status lower-cased: orders in it and their share of all orders, rounded to 4 places.
    func statusSummary() -> [[Cell]] {
        let current = byOrder.map { lower(latest($0.versions).status) }
        let counts = Dictionary(grouping: current, by: { $0 }).mapValues(\.count)
        return counts.sorted { $0.key < $1.key }.map { status, count in
            [.text(status), .int(Int64(count)), .real(round(Double(count) / Double(current.count), 4)), stage(status)]
        }
    }

    /// Per order and lower-cased status, the first event carrying it; counted per UTC day.
    func statusDaily() -> [[Cell]] {
        var entered: [String: [String: String]] = [:]  // order -> status -> first event time
        for v in versions {
            let status = lower(v.status)
            if let seen = entered[v.orderID]?[status], seen <= v.eventAt { continue }
            entered[v.orderID, default: [:]][status] = v.eventAt
        }
        var counts: [[String]: Int] = [:]
        for statuses in entered.values {
            for (status, at) in statuses { counts[[String(at.prefix(10)), status], default: 0] += 1 }
        }
        return counts.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { key, count in
            [.text(key[0]), .text(key[1]), .int(Int64(count)), stage(key[1])]
        }
    }

    /// Consecutive versions in event order (event time, then seq), lower-cased; a step between equal
    /// statuses is skipped. Per pair: count, median and average hours rounded to 3 places.
    func statusTransitions() -> [[Cell]] {
        var hours: [[String]: [Double]] = [:]
        for (_, versions) in byOrder {
            let ordered = versions.sorted { ($0.eventAt, $0.seq) < ($1.eventAt, $1.seq) }
            for (from, to) in zip(ordered, ordered.dropFirst()) where lower(from.status) != lower(to.status) {
                let elapsed = Double(milliseconds(to.eventAt) - milliseconds(from.eventAt)) / 3_600_000
                hours[[lower(from.status), lower(to.status)], default: []].append(elapsed)
            }
        }
        return hours.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { key, values in
            let sorted = values.sorted()
            let n = sorted.count
            // The two middle values (the same one when n is odd).
            let median = (sorted[(n - 1) / 2] + sorted[n / 2]) / 2
            let average = values.reduce(0, +) / Double(n)
            return [
                .text(key[0]), .text(key[1]), .int(Int64(n)), .real(round(median, 3)), .real(round(average, 3)),
                stage(key[0]), stage(key[1]),
            ]
        }
    }

    /// SQLite's lower(): ASCII letters only.
    private func lower(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    private func milliseconds(_ text: String) -> Int64 {
        guard let time = Timestamp(rfc3339: text) else { fatalError("stored time is not RFC 3339: \(text)") }
        return time.millisecondsSinceEpoch
    }

    /// Half away from zero, as SQLite's round().
    private func round(_ value: Double, _ places: Int) -> Double {
        let scale = [1.0, 10, 100, 1_000, 10_000][places]
        return (value * scale).rounded() / scale
    }
}
