import OrderCore
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

    /// Orders one transaction appended to, in the order first appended to (in a bulk load, key order:
    /// neighbouring orders share B-tree pages): for each, the first seq appended and, for an order new in
    /// this transaction, its versions as appended, so its history need not be read back. One hash per
    /// appended version: this runs for every order of every commit.
    struct Touched {
        struct Entry {
            let orderID: String
            let firstAppended: Int64
            /// The order's first and further versions, when it had none before this transaction and each
            /// appended version could be derived in memory (`appendedVersion`); else `readBack`.
            var first: OrderProjection.Version?
            var more: [OrderProjection.Version] = []
            var readBack: Bool
        }

        private(set) var entries: [Entry] = []
        private var index: [String: Int] = [:]

        mutating func reserve(_ count: Int) {
            entries.reserveCapacity(count)
            index.reserveCapacity(count)
        }

        /// Records a version appended to `orderID`; `isNew`: the order had no version before it. `derive`
        /// gives the version as stored (nil when it cannot without SQLite); called only when it is kept.
        mutating func appended(
            _ orderID: String, seq: Int64, isNew: Bool, derive: () throws(SQLiteError) -> OrderProjection.Version?
        ) throws(SQLiteError) {
            if let known = index.updateValue(entries.count, forKey: orderID) {
                index[orderID] = known
                if !entries[known].readBack, let version = try derive() {
                    entries[known].more.append(version)
                } else {
                    entries[known].readBack = true
                }
                return
            }
            let version = isNew ? try derive() : nil
            entries.append(Entry(orderID: orderID, firstAppended: seq, first: version, readBack: version == nil))
        }

        var isEmpty: Bool { entries.isEmpty }
    }

    /// Hands a version `WriterStatements.store` appended to `touched`, deriving it in memory when that saves
    /// reading the order's history back.
    func record(
        _ stored: WriterStatements.Stored, of order: Order, ingestedAt: String, into touched: inout Touched
    ) throws(SQLiteError) {
        try touched.appended(order.orderID, seq: stored.seq, isNew: stored.isNew) { () throws(SQLiteError) in
            try appendedVersion(seq: stored.seq, status: order.status, updatedAt: order.updatedAt, ingestedAt: ingestedAt)
        }
    }

    /// The per-order statements, prepared once on first use (a cache lookup by SQL text hashes the
    /// text every time: measurable at a million orders).
    private var historyStatement: Statement?
    private var writeStateStatement: Statement?
    private var insertStageStatement: Statement?
    private var deleteStageStatement: Statement?
    private var insertTransitionStatement: Statement?
    private var deleteTransitionStatement: Statement?

    init(_ connection: Connection) {
        self.connection = connection
    }

    private func prepared(_ slot: inout Statement?, _ sql: String) throws(SQLiteError) -> Statement {
        if let statement = slot { return statement }
        let statement = try connection.prepare(sql, persistent: true)
        slot = statement
        return statement
    }

    /// Brings the projections up to date with what this transaction appended. Inside the caller's
    /// transaction; orders the backfill has not reached yet are left to it.
    func apply(_ touched: Touched) throws(SQLiteError) {
        guard !touched.isEmpty, let scope = try scope() else { return }
        // Versions derived with another vocabulary than the projections' own are read back instead.
        let derivedAreCurrent = positionsOf == scope.vocabulary
        if !derivedAreCurrent { try loadPositions(vocabulary: scope.vocabulary) }
        var deltas = ProjectionDeltas()
        for entry in touched.entries {
            guard scope.covers(entry.orderID) else { continue }
            if derivedAreCurrent, !entry.readBack, let first = entry.first {
                if entry.more.isEmpty {
                    try addSingle(entry.orderID, first, deltas: &deltas)
                } else if let new = OrderProjection([first] + entry.more) {
                    try replace(entry.orderID, old: nil, new: new, deltas: &deltas)
                }
                continue
            }
            let history = try history(of: entry.orderID)
            guard let new = OrderProjection(history) else { continue }
            let old = OrderProjection(history.filter { $0.seq < entry.firstAppended })
            try replace(entry.orderID, old: old, new: new, deltas: &deltas)
        }
        try deltas.flush(connection)
    }

    /// status lower-cased → lifecycle stage position, from status_stages; read once per vocabulary
    /// (`Scope.vocabulary` says when it changed).
    private var positions: [String: Int] = [:]
    private var positionsOf: String?

    /// A version as `history(of:)` would read it back, from what the writer just stored; nil when that
    /// cannot be done exactly without SQLite (an event time not in the stored form
    /// `YYYY-MM-DDTHH:MM:SS.sssZ`), and the caller reads the history back instead.
    func appendedVersion(seq: Int64, status: String, updatedAt: String?, ingestedAt: String) throws(SQLiteError)
        -> OrderProjection.Version?
    {
        let at = updatedAt ?? ingestedAt
        guard let ms = Self.julianMilliseconds(at) else { return nil }
        let lower = Self.asciiLowercased(status)
        return OrderProjection.Version(
            seq: seq, status: lower, at: at, ms: ms, updatedAt: updatedAt, position: try position(of: lower))
    }

    /// The stage position of a (lower-cased) status. The vocabulary is read once; `apply` checks it is
    /// still the one the projections are built with before trusting versions derived with it.
    private func position(of status: String) throws(SQLiteError) -> Int {
        if positionsOf == nil { try loadPositions(vocabulary: try scope()?.vocabulary ?? "") }
        return positions[status] ?? 0
    }

    private func loadPositions(vocabulary: String) throws(SQLiteError) {
        var loaded: [String: Int] = [:]
        let statement = try connection.cached("SELECT status, position FROM status_stages")
        defer { statement.reset() }
        while try statement.step() { loaded[statement.string(0) ?? ""] = Int(statement.int64(1)) }
        positions = loaded
        positionsOf = vocabulary
    }

    /// SQLite's lower() without ICU: ASCII letters only (https://sqlite.org/lang_corefunc.html#lower).
    package static func asciiLowercased(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) else { return text }
        return String(decoding: text.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// `CAST(round(julianday(at) * 86400000) AS INTEGER)` for the stored form of event times
    /// (`YYYY-MM-DDTHH:MM:SS.sssZ`, Timestamp.millisecondsText): milliseconds since the Julian epoch.
    /// nil for any other text.
    package static func julianMilliseconds(_ text: String) -> Int64? {
        let utf8 = text.utf8
        guard utf8.count == 24 else { return nil }
        return utf8.withContiguousStorageIfAvailable { bytes -> Int64? in
            guard bytes[4] == 45, bytes[7] == 45, bytes[10] == 84, bytes[13] == 58, bytes[16] == 58, bytes[19] == 46,
                bytes[23] == 90
            else { return nil }
            func number(_ from: Int, _ count: Int) -> Int64? {
                var value: Int64 = 0
                for index in from..<(from + count) {
                    let digit = bytes[index] &- 48
                    guard digit < 10 else { return nil }
                    value = value * 10 + Int64(digit)
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                let minute = number(14, 2), let second = number(17, 2), let milli = number(20, 3),
                (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
            else { return nil }
            // Days from civil (Howard Hinnant's algorithm), then the Julian epoch's offset.
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yoe = y - era * 400
            let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
            let days = era * 146_097 + doe - 719_468
            return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1_000 + milli + 210_866_760_000_000
        } ?? nil
    }

    /// Which orders the projections cover: all once the backfill is complete, else those up to its
    /// cursor; nil when this database has no projections (a SQL directory without the migration).
    struct Scope {
        var complete: Bool
        var cursor: String
        /// The fingerprint of the vocabulary the projections are built with.
        var vocabulary: String

        func covers(_ orderID: String) -> Bool {
            complete || !OrderProjection.less(cursor, orderID)
        }
    }

    func scope() throws(SQLiteError) -> Scope? {
        let statement: Statement
        do {
            statement = try connection.cached(
                "SELECT cursor, complete, vocabulary FROM projection_progress WHERE id = 1")
        } catch {
            return nil
        }
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return Scope(
            complete: statement.int64(1) != 0, cursor: statement.string(0) ?? "", vocabulary: statement.string(2) ?? "")
    }

    /// Every stored version of `orderID`, as the projections see it. The expressions are those of the
    /// *_scratch_v views (sql/views/), so both sides compute from identical values.
    func history(of orderID: String) throws(SQLiteError) -> [OrderProjection.Version] {
        let statement = try prepared(&historyStatement, Self.historySQL)
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

    /// An order new to the projections with one version: what `replace(old: nil, new:)` writes for it,
    /// without building its projection (the common case of a bulk load).
    private func addSingle(_ orderID: String, _ version: OrderProjection.Version, deltas: inout ProjectionDeltas)
        throws(SQLiteError)
    {
        let statement = try prepared(&writeStateStatement, Self.writeStateSQL)
        try statement.bind(1, orderID)
        try statement.bind(2, version.seq)
        try statement.bind(3, version.seq)
        try statement.bind(4, version.seq)
        try statement.bind(5, Int64(1))
        try statement.bind(6, version.at)
        try statement.bind(7, version.at)
        try statement.bind(8, version.status)
        try statement.bind(9, version.at)
        try statement.bind(10, version.position == 2 ? version.at : nil)
        try statement.bind(11, version.position == 3 ? version.at : nil)
        try statement.bind(12, version.position == 4 ? version.at : nil)
        try statement.run()
        deltas.current[version.status, default: 0] += 1
        deltas.daily[OrderProjection.Day(day: String(version.at.prefix(10)), status: version.status), default: 0] += 1
        if OrderProjection.timedStages.contains(version.position) {
            let stage = OrderProjection.StageTime(position: version.position, ms: 0)
            try stageRow(insert: true, orderID, stage)
            deltas.stage(stage, sign: 1)
        }
    }

    /// Replaces what `orderID` contributed (`old`, nil for an order new to the projections) by `new`.
    func replace(
        _ orderID: String, old: OrderProjection?, new: OrderProjection, deltas: inout ProjectionDeltas
    ) throws(SQLiteError) {
        try writeState(orderID, new)
        if let old { deltas.current[old.status, default: 0] -= 1 }
        deltas.current[new.status, default: 0] += 1
        let oldDays = old?.days ?? []
        for day in oldDays where !new.days.contains(day) { deltas.daily[day, default: 0] -= 1 }
        for day in new.days where !oldDays.contains(day) { deltas.daily[day, default: 0] += 1 }

        let oldStages = old?.stageTimes ?? []
        for stage in oldStages where !new.stageTimes.contains(stage) {
            try stageRow(insert: false, orderID, stage)
            deltas.stage(stage, sign: -1)
        }
        for stage in new.stageTimes where !oldStages.contains(stage) {
            try stageRow(insert: true, orderID, stage)
            deltas.stage(stage, sign: 1)
        }
        let oldMoves = old?.transitions ?? []
        for move in oldMoves where !new.transitions.contains(move) {
            try transitionRow(insert: false, orderID, move)
            deltas.transition(move, sign: -1)
        }
        for move in new.transitions where !oldMoves.contains(move) {
            try transitionRow(insert: true, orderID, move)
            deltas.transition(move, sign: 1)
        }
    }

    private func writeState(_ orderID: String, _ state: OrderProjection) throws(SQLiteError) {
        let statement = try prepared(&writeStateStatement, Self.writeStateSQL)
        try statement.bind(1, orderID)
        try statement.bind(2, state.latestSeq)
        try statement.bind(3, state.firstSeq)
        try statement.bind(4, state.earliestSeq)
        try statement.bind(5, Int64(state.versions))
        try statement.bind(6, state.firstAt)
        try statement.bind(7, state.lastAt)
        try statement.bind(8, state.status)
        try statement.bind(9, state.latestAt)
        try statement.bind(10, state.processingAt)
        try statement.bind(11, state.shippedAt)
        try statement.bind(12, state.deliveredAt)
        try statement.run()
    }

    /// A stage_time row; none for 0 ms (ProjectionDeltas.stage counts those).
    private func stageRow(insert: Bool, _ orderID: String, _ stage: OrderProjection.StageTime) throws(SQLiteError) {
        guard stage.ms != 0 else { return }
        let statement =
            insert
            ? try prepared(&insertStageStatement, Self.insertStageSQL)
            : try prepared(&deleteStageStatement, Self.deleteStageSQL)
        try statement.bind(1, Int64(stage.position))
        try statement.bind(2, stage.ms)
        try statement.bind(3, orderID)
        try statement.run()
    }

    private func transitionRow(insert: Bool, _ orderID: String, _ move: OrderProjection.Transition)
        throws(SQLiteError)
    {
        let statement =
            insert
            ? try prepared(&insertTransitionStatement, Self.insertTransitionSQL)
            : try prepared(&deleteTransitionStatement, Self.deleteTransitionSQL)
        try statement.bind(1, move.from)
        try statement.bind(2, move.to)
        try statement.bind(3, move.ms)
        try statement.bind(4, orderID)
        try statement.bind(5, Int64(move.step))
        try statement.run()
    }

    static let writeStateSQL = """
        INSERT OR REPLACE INTO order_state (order_id, latest_seq, first_seq, earliest_seq, versions, first_at,
            last_at, status, latest_at, processing_at, shipped_at, delivered_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
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
    var stageTotals: [Int: (orders: Int, zeros: Int, ms: Int64)] = [:]
    var stageBuckets: [Bucket<Int>: Int] = [:]
    var pairTotals: [Pair: (moves: Int, ms: Int64)] = [:]
    var pairBuckets: [Bucket<Pair>: Int] = [:]

    /// Whole hours, rounded down (the median's buckets; sql/views/order_stage_timings_v.sql).
    static func bucket(_ ms: Int64) -> Int64 {
        ms >= 0 ? ms / 3_600_000 : -((-ms + 3_599_999) / 3_600_000)
    }

    /// A stage reached at the order's first event (0 ms, common: an order first seen already paid) is
    /// only counted (`zeros`), with no stage_time row or bucket: the smallest values need no index.
    mutating func stage(_ stage: OrderProjection.StageTime, sign: Int) {
        let total = stageTotals[stage.position] ?? (0, 0, 0)
        stageTotals[stage.position] = (
            total.orders + sign, total.zeros + (stage.ms == 0 ? sign : 0), total.ms + Int64(sign) * stage.ms
        )
        if stage.ms != 0 { stageBuckets[Bucket(key: stage.position, bucket: Self.bucket(stage.ms)), default: 0] += sign }
    }

    mutating func transition(_ move: OrderProjection.Transition, sign: Int) {
        let pair = Pair(from: move.from, to: move.to)
        let total = pairTotals[pair] ?? (0, 0)
        pairTotals[pair] = (total.moves + sign, total.ms + Int64(sign) * move.ms)
        pairBuckets[Bucket(key: pair, bucket: Self.bucket(move.ms)), default: 0] += sign
    }

    /// Writes every non-zero change to projection_count (sql/migrations/0001_order_projections.sql has
    /// the kinds): an upsert per key, and a row whose count reached 0 is deleted (the views never show
    /// empty groups).
    func flush(_ connection: Connection) throws(SQLiteError) {
        for (status, change) in current where change != 0 {
            try Self.count(connection, kind: 1, a: status, count: change)
        }
        for (position, total) in stageTotals where total.orders != 0 || total.zeros != 0 || total.ms != 0 {
            try Self.count(
                connection, kind: 2, i: Int64(position), count: total.orders, zeros: total.zeros, sum: total.ms)
        }
        for (pair, total) in pairTotals where total.moves != 0 || total.ms != 0 {
            try Self.count(connection, kind: 3, a: pair.from, b: pair.to, count: total.moves, sum: total.ms)
        }
        for (day, change) in daily where change != 0 {
            try Self.count(connection, kind: 4, a: day.day, b: day.status, count: change)
        }
        for (bucket, change) in stageBuckets where change != 0 {
            try Self.count(connection, kind: 5, i: Int64(bucket.key), j: bucket.bucket, count: change)
        }
        for (bucket, change) in pairBuckets where change != 0 {
            try Self.count(connection, kind: 6, a: bucket.key.from, b: bucket.key.to, j: bucket.bucket, count: change)
        }
    }

    static let upsertCountSQL = """
        INSERT INTO projection_count (kind, a, b, i, j, count, zeros, sum_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT DO UPDATE SET count = count + excluded.count, zeros = zeros + excluded.zeros,
            sum_ms = sum_ms + excluded.sum_ms
        RETURNING count
        """
    static let deleteCountSQL = """
        DELETE FROM projection_count WHERE kind = ? AND a = ? AND b = ? AND i = ? AND j = ? AND count = 0
        """

    /// Adds to one projection_count row (creating it); deletes it once its count is 0.
    private static func count(
        _ connection: Connection, kind: Int64, a: String = "", b: String = "", i: Int64 = 0, j: Int64 = 0,
        count: Int, zeros: Int = 0, sum: Int64 = 0
    ) throws(SQLiteError) {
        let statement = try connection.cached(upsertCountSQL)
        defer { statement.reset() }
        try bindKey(statement, kind, a, b, i, j)
        try statement.bind(6, Int64(count))
        try statement.bind(7, Int64(zeros))
        try statement.bind(8, sum)
        guard try statement.step(), statement.int64(0) == 0 else { return }
        statement.reset()
        let delete = try connection.cached(deleteCountSQL)
        try bindKey(delete, kind, a, b, i, j)
        try delete.run()
    }

    private static func bindKey(_ statement: Statement, _ kind: Int64, _ a: String, _ b: String, _ i: Int64, _ j: Int64)
        throws(SQLiteError)
    {
        try statement.bind(1, kind)
        try statement.bind(2, a)
        try statement.bind(3, b)
        try statement.bind(4, i)
        try statement.bind(5, j)
    }
}
