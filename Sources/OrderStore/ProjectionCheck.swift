package import SQLite

/// `ordersync verify`'s check of the projections (docs/projections.md, "Checking them"): that they
/// equal a recomputation from orders_raw. Read-only; runs in one read transaction.
package enum ProjectionCheck {
    package struct Report: Sendable {
        /// Differences found; empty when the projections are right.
        package var problems: [String] = []
        /// What was checked, for the summary line.
        package var checked = ""
    }

    /// The default: `sample` orders chosen at random recomputed from their history, and every aggregate
    /// against the per-order rows it sums. `full`: every projection-backed view against its
    /// from-scratch twin, row for row (a pass over the whole history per view).
    package static func run(_ connection: Connection, sample: Int, full: Bool) throws -> Report {
        var report = Report()
        let exists = try connection.scalarInt(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'projection_progress'")
        guard exists == 1 else {
            report.checked = "no projections (a SQL directory without them)"
            return report
        }
        try connection.execute("BEGIN")
        defer { connection.rollbackQuietly() }
        let projector = Projector(connection)
        guard let progress = try projector.progress() else {
            report.checked = "projections not set up yet (the next start does it)"
            return report
        }
        guard progress.complete else {
            report.checked = "projection backfill in progress (\(progress.orders) orders so far): not compared"
            return report
        }
        report.problems += try aggregatesAgree(connection)
        let (orders, problems) = try sampledOrdersAgree(projector, sample: sample)
        report.problems += problems
        report.checked = "projections: \(orders) sampled orders and the aggregates agree with a recomputation"
        if full {
            for view in twinnedViews {
                if let difference = try differs(connection, view) { report.problems.append(difference) }
            }
            report.checked = "projections: every projection-backed view equals its from-scratch twin"
        }
        if !report.problems.isEmpty { report.checked = "projections differ from a recomputation" }
        return report
    }

    /// The views read from projections, each with a twin `x_scratch_v`.
    package static let twinnedViews = [
        "latest_order_v", "first_order_events_v", "order_lifecycle_metrics_v", "order_stage_timings_v",
        "order_status_daily_v", "order_status_summary_v", "recent_orders_v", "status_transitions_v",
    ]

    /// Each aggregate equals the sum of what it aggregates (a query that returns the differing keys).
    static let aggregateChecks: [(name: String, sql: String)] = [
        ("projection_count kind 1 (current status)", symmetricDifference(
            "SELECT status, count(*) FROM order_state GROUP BY status",
            "SELECT a, count FROM projection_count WHERE kind = 1")),
        ("projection_count kind 2 (stages)", symmetricDifference(
            "SELECT position, count(*), sum(ms) FROM stage_time GROUP BY position",
            "SELECT i, count - zeros, sum_ms FROM projection_count WHERE kind = 2 AND count > zeros")
            + " + (SELECT count(*) FROM stage_time WHERE ms = 0)"),
        ("projection_count kind 5 (stage buckets)", symmetricDifference(
            "SELECT position, \(floorHour), count(*) FROM stage_time GROUP BY 1, 2",
            "SELECT i, j, count FROM projection_count WHERE kind = 5")),
        ("projection_count kind 3 (transitions)", symmetricDifference(
            "SELECT from_status, to_status, count(*), sum(ms) FROM transition_time GROUP BY 1, 2",
            "SELECT a, b, count, sum_ms FROM projection_count WHERE kind = 3")),
        ("projection_count kind 6 (transition buckets)", symmetricDifference(
            "SELECT from_status, to_status, \(floorHour), count(*) FROM transition_time GROUP BY 1, 2, 3",
            "SELECT a, b, j, count FROM projection_count WHERE kind = 6")),
        ("order_state", "SELECT abs((SELECT count(*) FROM order_state) - (SELECT count(DISTINCT order_id) FROM orders_raw))"),
    ]

    /// ms rounded down to whole hours (ProjectionDeltas.bucket): SQLite's `/` truncates toward zero.
    static let floorHour = "ms / 3600000 - (ms < 0 AND ms % 3600000 != 0)"

    /// A query counting the rows either side has and the other lacks.
    static func symmetricDifference(_ a: String, _ b: String) -> String {
        "SELECT (SELECT count(*) FROM (\(a) EXCEPT \(b))) + (SELECT count(*) FROM (\(b) EXCEPT \(a)))"
    }

    private static func aggregatesAgree(_ connection: Connection) throws -> [String] {
        var problems: [String] = []
        for check in aggregateChecks {
            let differing = try connection.scalarInt(check.sql) ?? 0
            if differing != 0 {
                problems.append("\(check.name): \(differing) rows differ from the per-order rows they count")
            }
        }
        return problems
    }

    /// `sample` orders (at random versions' orders) recomputed from their history: their order_state
    /// row, stage rows and transition rows must be exactly what the projector would write.
    private static func sampledOrdersAgree(_ projector: Projector, sample: Int) throws -> (Int, [String]) {
        let connection = projector.connection
        let maxSeq = try connection.scalarInt("SELECT max(seq) FROM orders_raw") ?? 0
        guard maxSeq > 0, sample > 0 else { return (0, []) }
        let pick = try connection.prepare(
            "SELECT order_id FROM orders_raw WHERE seq >= ? ORDER BY seq LIMIT 1")
        var seen = Set<String>()
        var problems: [String] = []
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<sample {
            try pick.bind(1, Int64.random(in: 1...maxSeq, using: &generator))
            guard try pick.step(), let orderID = pick.string(0) else {
                pick.reset()
                continue
            }
            pick.reset()
            guard seen.insert(orderID).inserted, let expected = OrderProjection(try projector.history(of: orderID))
            else { continue }
            if let difference = try stored(connection, orderID, differsFrom: expected) {
                problems.append("order \(orderID.prefix(64)): \(difference)")
                if problems.count >= 10 { break }
            }
        }
        return (seen.count, problems)
    }

    private static func stored(_ connection: Connection, _ orderID: String, differsFrom expected: OrderProjection)
        throws -> String?
    {
        let state = try connection.cached(
            """
            SELECT latest_seq, first_seq, earliest_seq, versions, first_at, last_at, status, latest_at,
                   processing_at, shipped_at, delivered_at
            FROM order_state WHERE order_id = ?
            """)
        defer { state.reset() }
        try state.bind(1, orderID)
        guard try state.step() else { return "no order_state row" }
        let stored: [String?] = (0..<11).map { state.isNull($0) ? nil : state.string($0) }
        let wanted: [String?] = [
            "\(expected.latestSeq)", "\(expected.firstSeq)", "\(expected.earliestSeq)", "\(expected.versions)",
            expected.firstAt, expected.lastAt, expected.status, expected.latestAt, expected.processingAt,
            expected.shippedAt, expected.deliveredAt,
        ]
        if stored != wanted { return "order_state is \(stored), a recomputation gives \(wanted)" }
        let stage = try connection.cached("SELECT 1 FROM stage_time WHERE position = ? AND ms = ? AND order_id = ?")
        for time in expected.stageTimes where time.ms != 0 {  // 0 ms: counted in projection_count.zeros only
            defer { stage.reset() }
            try stage.bind(1, Int64(time.position))
            try stage.bind(2, time.ms)
            try stage.bind(3, orderID)
            if try !stage.step() { return "stage_time lacks stage \(time.position) at \(time.ms) ms" }
        }
        let move = try connection.cached(
            "SELECT 1 FROM transition_time WHERE from_status = ? AND to_status = ? AND ms = ? AND order_id = ? AND step = ?")
        for transition in expected.transitions {
            defer { move.reset() }
            try move.bind(1, transition.from)
            try move.bind(2, transition.to)
            try move.bind(3, transition.ms)
            try move.bind(4, orderID)
            try move.bind(5, Int64(transition.step))
            if try !move.step() { return "transition_time lacks \(transition.from) -> \(transition.to) (step \(transition.step))" }
        }
        return nil
    }

    /// Rows of `view` and of its twin that the other lacks (both directions), or a different row count.
    private static func differs(_ connection: Connection, _ view: String) throws -> String? {
        let twin = view.dropLast(2) + "_scratch_v"
        let missing = try connection.scalarInt("SELECT count(*) FROM (SELECT * FROM \(twin) EXCEPT SELECT * FROM \(view))") ?? 0
        let extra = try connection.scalarInt("SELECT count(*) FROM (SELECT * FROM \(view) EXCEPT SELECT * FROM \(twin))") ?? 0
        let counts = try connection.scalarInt("SELECT (SELECT count(*) FROM \(view)) - (SELECT count(*) FROM \(twin))") ?? 0
        guard missing != 0 || extra != 0 || counts != 0 else { return nil }
        return "\(view): \(missing) rows of \(twin) missing, \(extra) rows not in it, count differs by \(counts)"
    }
}
