package import Storage
import OrderCore
import SQLite
import Threads

/// The backfill: projections for the orders stored before they existed (a database made by an older
/// release), or after the status vocabulary changed. Resumable: it walks the orders in order_id order,
/// a bounded chunk per transaction that also moves `projection_progress.cursor`, so a killed process
/// resumes where it stopped and writers interleave with it (docs/migrations.md, "Data too big for one
/// transaction"). Orders past the cursor are not maintained by writers meanwhile: the backfill projects
/// each of them, with its whole history, when it gets there.
extension Projector {
    /// Where the backfill stands.
    package typealias Progress = ProjectionProgress

    /// Raised when what the projections hold changes (a new projection, a fixed rule): the next start
    /// empties them and backfills every order again (docs/projections.md, "Adding a view").
    static let version = 1

    /// The projection tables, emptied when the backfill starts over.
    static let tables = [
        "order_state", "projection_count", "stage_time", "transition_time",
    ]

    /// At open, in its own transaction: writes the progress row when it is missing, and starts the
    /// backfill over (emptied tables, cursor '') when the status vocabulary or `version` differs from
    /// those the projections were built with. nil when the database has no projections.
    static func prepare(_ connection: Connection) throws(SQLiteError) -> Progress? {
        let exists = try connection.scalarInt(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'projection_progress'")
        guard exists == 1 else { return nil }
        do throws(SQLiteError) {
            try connection.execute("BEGIN IMMEDIATE")
            // The fingerprint: the projections' own version, then the vocabulary they were built with.
            let vocabulary =
                try "v\(Projector.version);"
                + (connection.scalarString(
                    """
                    SELECT coalesce(group_concat(status || '=' || position, ','), '')
                    FROM (SELECT status, position FROM status_stages ORDER BY status)
                    """) ?? "")
            let recorded = try connection.scalarString("SELECT vocabulary FROM projection_progress WHERE id = 1")
            if recorded != vocabulary {
                for table in tables { try connection.execute("DELETE FROM \(table)") }
                let now = Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText
                let statement = try connection.prepare(
                    """
                    INSERT OR REPLACE INTO projection_progress
                        (id, cursor, complete, vocabulary, orders, started_at, updated_at)
                    VALUES (1, '', NOT EXISTS (SELECT 1 FROM orders_raw), ?, 0, ?, ?)
                    """)
                try statement.bind([vocabulary, now, now])
                try statement.run()
            }
            let progress = try Projector(connection).progress()
            try connection.execute("COMMIT")
            return progress
        } catch {
            connection.rollbackQuietly()
            throw error
        }
    }

    /// The progress row (inside the caller's transaction or as one read).
    func progress() throws(SQLiteError) -> Progress? {
        let statement = try connection.cached(
            "SELECT complete, orders, cursor FROM projection_progress WHERE id = 1")
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return Progress(
            complete: statement.int64(0) != 0, orders: Int(statement.int64(1)), cursor: statement.string(2) ?? "")
    }

    /// Projects the next `limit` orders after the cursor in one transaction of its own and moves the
    /// cursor past them; marks the backfill complete when none are left.
    func backfillChunk(limit: Int) throws(SQLiteError) -> Progress? {
        do throws(SQLiteError) {
            try connection.cached("BEGIN IMMEDIATE").run()
            guard var progress = try progress(), !progress.complete else {
                try connection.cached("COMMIT").run()
                return try progress()
            }
            let next = try connection.cached(
                "SELECT DISTINCT order_id FROM orders_raw WHERE order_id > ? ORDER BY order_id LIMIT ?")
            try next.bind(1, progress.cursor)
            try next.bind(2, Int64(limit))
            var orderIDs: [String] = []
            while try next.step() { orderIDs.append(next.string(0) ?? "") }
            next.reset()
            var deltas = ProjectionDeltas()
            for orderID in orderIDs {
                guard let projection = OrderProjection(try history(of: orderID)) else { continue }
                try replace(orderID, old: nil, new: projection, deltas: &deltas)
            }
            try deltas.flush(connection)
            progress.orders += orderIDs.count
            progress.cursor = orderIDs.last ?? progress.cursor
            progress.complete = orderIDs.count < limit
            let update = try connection.cached(
                "UPDATE projection_progress SET cursor = ?, complete = ?, orders = ?, updated_at = ? WHERE id = 1")
            try update.bind(1, progress.cursor)
            try update.bind(2, Int64(progress.complete ? 1 : 0))
            try update.bind(3, Int64(progress.orders))
            try update.bind(4, Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText)
            try update.run()
            try connection.cached("COMMIT").run()
            return progress
        } catch {
            connection.rollbackQuietly()
            throw error
        }
    }
}
