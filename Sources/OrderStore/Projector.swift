import SQLite

/// Keeps the projections (sql/migrations/0001_order_projections.sql, docs/projections.md) current inside
/// the write transaction that appended to orders_raw: the server's writer (`OrderWriter`) and the sync
/// worker (`SyncStore`) both hand it the orders they appended.
///
/// For each touched order it reads that order's history (one index seek), computes what the order
/// contributed before this transaction (its versions older than the first one appended now: orders_raw
/// is append-only) and what it contributes now, and applies the difference: the order's own rows are
/// replaced, the aggregates adjusted once per key for the whole transaction. Exact for versions that
/// arrive out of event order, and the work follows the orders written, never the history.
package final class Projector {
    let connection: Connection

    /// Orders one transaction appended to, each with the first seq appended to it.
    struct Touched {
        fileprivate(set) var firstAppended: [String: Int64] = [:]

        mutating func appended(_ orderID: String, seq: Int64) {
            if firstAppended[orderID] == nil { firstAppended[orderID] = seq }
        }

        var isEmpty: Bool { firstAppended.isEmpty }
    }

    init(_ connection: Connection) {
        self.connection = connection
    }

    /// Brings the projections up to date with what this transaction appended. Inside the caller's
    /// transaction; orders the backfill has not reached yet are left to it.
    func apply(_ touched: Touched) throws(SQLiteError) {
        guard !touched.isEmpty, let scope = try scope() else { return }
        var deltas = ProjectionDeltas()
        // In key order: neighbouring orders share B-tree pages.
        for orderID in touched.firstAppended.keys.sorted(by: OrderProjection.less) {
            guard scope.covers(orderID), let firstAppended = touched.firstAppended[orderID] else { continue }
            let history = try history(of: orderID)
            guard let new = OrderProjection(history) else { continue }
            let old = OrderProjection(history.filter { $0.seq < firstAppended })
            try replace(orderID, old: old, new: new, deltas: &deltas)
        }
        try deltas.flush(connection)
    }

    /// Which orders the projections cover: all once the backfill is complete, else those up to its
    /// cursor; nil when this database has no projections (a SQL directory without the migration).
    struct Scope {
        var complete: Bool
        var cursor: String

        func covers(_ orderID: String) -> Bool {
            complete || !OrderProjection.less(cursor, orderID)
        }
    }

    func scope() throws(SQLiteError) -> Scope? {
        let statement: Statement
        do {
            statement = try connection.cached("SELECT cursor, complete FROM projection_progress WHERE id = 1")
        } catch {
            return nil
        }
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return Scope(complete: statement.int64(1) != 0, cursor: statement.string(0) ?? "")
    }

    /// Every stored version of `orderID`, as the projections see it. The expressions are those of the
    /// *_scratch_v views (sql/views/), so both sides compute from identical values.
    func history(of orderID: String) throws(SQLiteError) -> [OrderProjection.Version] {
        let statement = try connection.cached(Self.historySQL)
        defer { statement.reset() }
        try statement.bind(1, orderID)
        var versions: [OrderProjection.Version] = []
        while try statement.step() {
            versions.append(
                OrderProjection.Version(
                    seq: statement.int64(0), status: statement.string(1) ?? "", at: statement.string(2) ?? "",
                    ms: statement.int64(3), updatedAt: statement.string(4), position: Int(statement.int64(5))))
        }
        return versions
    }

    static let historySQL = """
        SELECT o.seq, lower(o.order_status), coalesce(o.updated_at, o.ingested_at),
               CAST(round(julianday(coalesce(o.updated_at, o.ingested_at)) * 86400000) AS INTEGER),
               o.updated_at, coalesce(s.position, 0)
        FROM orders_raw AS o LEFT JOIN status_stages AS s ON s.status = lower(o.order_status)
        WHERE o.order_id = ?
        """

    /// Replaces what `orderID` contributed (`old`, nil for an order new to the projections) by `new`.
    func replace(
        _ orderID: String, old: OrderProjection?, new: OrderProjection, deltas: inout ProjectionDeltas
    ) throws(SQLiteError) {
        try writeState(orderID, new)
        if let old { deltas.current[old.status, default: 0] -= 1 }
        deltas.current[new.status, default: 0] += 1
        let oldDays = old?.days ?? []
        for day in oldDays.subtracting(new.days) { deltas.daily[day, default: 0] -= 1 }
        for day in new.days.subtracting(oldDays) { deltas.daily[day, default: 0] += 1 }

        let oldStages = old?.stageTimes ?? []
        for stage in oldStages.subtracting(new.stageTimes) {
            try stageRow(Self.deleteStageSQL, orderID, stage)
            deltas.stage(stage, sign: -1)
        }
        for stage in new.stageTimes.subtracting(oldStages) {
            try stageRow(Self.insertStageSQL, orderID, stage)
            deltas.stage(stage, sign: 1)
        }
        let oldMoves = old?.transitions ?? []
        for move in oldMoves.subtracting(new.transitions) {
            try transitionRow(Self.deleteTransitionSQL, orderID, move)
            deltas.transition(move, sign: -1)
        }
        for move in new.transitions.subtracting(oldMoves) {
            try transitionRow(Self.insertTransitionSQL, orderID, move)
            deltas.transition(move, sign: 1)
        }
    }

    private func writeState(_ orderID: String, _ state: OrderProjection) throws(SQLiteError) {
        let statement = try connection.cached(
            """
            INSERT OR REPLACE INTO order_state (order_id, latest_seq, first_seq, earliest_seq, versions, first_at,
                last_at, status, latest_at, processing_at, shipped_at, delivered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.bind(1, orderID)
        try statement.bind(2, state.latestSeq)
        try statement.bind(3, state.firstSeq)
        try statement.bind(4, state.earliestSeq)
        try statement.bind(5, Int64(state.versions))
        try statement.bind(6, state.firstAt)
        try statement.bind(7, state.lastAt)
        try statement.bind(8, state.status)
        try statement.bind(9, state.latestAt)
        try statement.bind(10, state.reachedAt[2])
        try statement.bind(11, state.reachedAt[3])
        try statement.bind(12, state.reachedAt[4])
        try statement.run()
    }

    private func stageRow(_ sql: String, _ orderID: String, _ stage: OrderProjection.StageTime) throws(SQLiteError) {
        let statement = try connection.cached(sql)
        try statement.bind(1, Int64(stage.position))
        try statement.bind(2, stage.ms)
        try statement.bind(3, orderID)
        try statement.run()
    }

    private func transitionRow(_ sql: String, _ orderID: String, _ move: OrderProjection.Transition)
        throws(SQLiteError)
    {
        let statement = try connection.cached(sql)
        try statement.bind(1, move.from)
        try statement.bind(2, move.to)
        try statement.bind(3, move.ms)
        try statement.bind(4, orderID)
        try statement.bind(5, Int64(move.step))
        try statement.run()
    }

    static let insertStageSQL = "INSERT INTO stage_time (position, ms, order_id) VALUES (?, ?, ?)"
    static let deleteStageSQL = "DELETE FROM stage_time WHERE position = ? AND ms = ? AND order_id = ?"
    static let insertTransitionSQL = """
        INSERT INTO transition_time (from_status, to_status, ms, order_id, step) VALUES (?, ?, ?, ?, ?)
        """
    static let deleteTransitionSQL = """
        DELETE FROM transition_time WHERE from_status = ? AND to_status = ? AND ms = ? AND order_id = ? AND step = ?
        """
}

/// The aggregate changes of one transaction, summed in memory so each key is written once.
struct ProjectionDeltas {
    struct Pair: Hashable {
        var from: String
        var to: String
    }

    struct Bucket<Key: Hashable>: Hashable {
        var key: Key
        var bucket: Int64
    }

    var current: [String: Int] = [:]
    var daily: [OrderProjection.Day: Int] = [:]
    var stageTotals: [Int: (orders: Int, ms: Int64)] = [:]
    var stageBuckets: [Bucket<Int>: Int] = [:]
    var pairTotals: [Pair: (moves: Int, ms: Int64)] = [:]
    var pairBuckets: [Bucket<Pair>: Int] = [:]

    /// Whole hours, rounded down (the median's buckets; sql/views/order_stage_timings_v.sql).
    static func bucket(_ ms: Int64) -> Int64 {
        ms >= 0 ? ms / 3_600_000 : -((-ms + 3_599_999) / 3_600_000)
    }

    mutating func stage(_ stage: OrderProjection.StageTime, sign: Int) {
        let total = stageTotals[stage.position] ?? (0, 0)
        stageTotals[stage.position] = (total.orders + sign, total.ms + Int64(sign) * stage.ms)
        stageBuckets[Bucket(key: stage.position, bucket: Self.bucket(stage.ms)), default: 0] += sign
    }

    mutating func transition(_ move: OrderProjection.Transition, sign: Int) {
        let pair = Pair(from: move.from, to: move.to)
        let total = pairTotals[pair] ?? (0, 0)
        pairTotals[pair] = (total.moves + sign, total.ms + Int64(sign) * move.ms)
        pairBuckets[Bucket(key: pair, bucket: Self.bucket(move.ms)), default: 0] += sign
    }

    /// Writes every non-zero change: an upsert per key, and a row whose count reached 0 is deleted (the
    /// views never show empty groups).
    func flush(_ connection: Connection) throws(SQLiteError) {
        for (status, change) in current where change != 0 {
            try upsert(connection, "status_current", ["status"], [.text(status)], "orders", change)
        }
        for (day, change) in daily where change != 0 {
            try upsert(connection, "status_daily", ["day", "status"], [.text(day.day), .text(day.status)], "orders", change)
        }
        for (position, total) in stageTotals where total.orders != 0 || total.ms != 0 {
            try upsert(connection, "stage_total", ["position"], [.int(Int64(position))], "orders", total.orders, sum: total.ms)
        }
        for (bucket, change) in stageBuckets where change != 0 {
            try upsert(
                connection, "stage_bucket", ["position", "bucket"], [.int(Int64(bucket.key)), .int(bucket.bucket)],
                "orders", change)
        }
        for (pair, total) in pairTotals where total.moves != 0 || total.ms != 0 {
            try upsert(
                connection, "transition_pair", ["from_status", "to_status"], [.text(pair.from), .text(pair.to)], "moves",
                total.moves, sum: total.ms)
        }
        for (bucket, change) in pairBuckets where change != 0 {
            try upsert(
                connection, "transition_bucket", ["from_status", "to_status", "bucket"],
                [.text(bucket.key.from), .text(bucket.key.to), .int(bucket.bucket)], "moves", change)
        }
    }

    enum KeyValue {
        case text(String)
        case int(Int64)
    }

    /// `count` (and `sum_ms` when `sum` is given) += the change; the row goes once its count is 0.
    /// Table and column names are constants of this file, never input.
    private func upsert(
        _ connection: Connection, _ table: String, _ keys: [String], _ values: [KeyValue], _ count: String,
        _ change: Int, sum: Int64? = nil
    ) throws(SQLiteError) {
        let columns = keys + [count] + (sum == nil ? [] : ["sum_ms"])
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        var update = "\(count) = \(count) + excluded.\(count)"
        if sum != nil { update += ", sum_ms = sum_ms + excluded.sum_ms" }
        let statement = try connection.cached(
            """
            INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(marks))
            ON CONFLICT DO UPDATE SET \(update) RETURNING \(count)
            """)
        defer { statement.reset() }
        var index: Int32 = 1
        for value in values {
            switch value {
            case .text(let text): try statement.bind(index, text)
            case .int(let number): try statement.bind(index, number)
            }
            index += 1
        }
        try statement.bind(index, Int64(change))
        if let sum { try statement.bind(index + 1, sum) }
        guard try statement.step(), statement.int64(0) == 0 else { return }
        statement.reset()
        let condition = keys.map { "\($0) = ?" }.joined(separator: " AND ")
        let delete = try connection.cached("DELETE FROM \(table) WHERE \(condition) AND \(count) = 0")
        index = 1
        for value in values {
            switch value {
            case .text(let text): try delete.bind(index, text)
            case .int(let number): try delete.bind(index, number)
            }
            index += 1
        }
        try delete.run()
    }
}
