internal import CLibPQ

/// The rows of one query, one at a time as they arrive (libpq's single-row mode,
/// https://www.postgresql.org/docs/15/libpq-single-row-mode.html), so a large result never sits in
/// memory whole. The connection runs nothing else until the stream ends: read it to the end, or
/// `close()` it (also done when the stream is released).
package final class PGRowStream {
    private let connection: PGConnection
    private let sql: String
    private let session: Int
    /// True once the query's results were all read or discarded; the connection is free again.
    package private(set) var isFinished = false

    init(connection: PGConnection, sql: String) {
        self.connection = connection
        self.sql = sql
        self.session = connection.session
    }

    deinit { close() }

    /// The next row, as a one-row result (row 0); nil after the last. An error ends the stream (the
    /// rows before it were delivered: a failure can come mid-way, e.g. a division by zero at row 1,000).
    package func next() throws(PostgresError) -> PGResult? {
        guard !isFinished else { return nil }
        guard connection.session == session else {
            isFinished = true
            throw PostgresError(
                kind: .other, message: "the connection was reset while the stream was open", sql: sql,
                target: connection.target.description)
        }
        guard let result = PQgetResult(connection.handle) else {
            finish()
            return nil
        }
        switch PQresultStatus(result) {
        case PGRES_SINGLE_TUPLE:
            return PGResult(handle: result)
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
            // The zero-row result that ends the rows (or a statement that returns none).
            PQclear(result)
            finish()
            return nil
        default:
            let error = connection.error(from: result, sql: sql)
            PQclear(result)
            finish()
            throw error
        }
    }

    /// Abandons the rest of the rows: asks the server to cancel the query (PQcancel, a separate
    /// connection to the server), then reads and drops what was already on its way. The connection is
    /// usable afterwards. Does nothing once the stream ended.
    package func close() {
        guard !isFinished else { return }
        guard connection.session == session else {
            isFinished = true
            return
        }
        if let cancel = PQgetCancel(connection.handle) {
            var reason = [CChar](repeating: 0, count: 256)
            // PQcancel waits until the server took the request, so it cannot hit a later query. When it
            // fails (or the query just ended), the drain below reads the remaining rows instead.
            _ = PQcancel(cancel, &reason, Int32(reason.count))
            PQfreeCancel(cancel)
        }
        finish()
    }

    private func finish() {
        isFinished = true
        connection.discardResults()
        connection.busy = nil
    }
}

extension PGConnection {
    /// Starts `sql` in single-row mode; read its rows with `next()` on the returned stream.
    package func stream(_ sql: String, _ parameters: [PGValue] = []) throws(PostgresError) -> PGRowStream {
        try checkIdle(sql: sql)
        let bound = try Parameters(parameters, sql: sql)
        let sent = try bound.withValuePointers { values throws(PostgresError) in
            PQsendQueryParams(handle, sql, bound.count, bound.types, values, bound.lengths, bound.formats, 0)
        }
        guard sent == 1 else { throw connectionError(sql: sql) }
        // Must come right after the send; it fails only in the wrong state, a bug here.
        guard PQsetSingleRowMode(handle) == 1 else {
            discardResults()
            throw PostgresError(
                kind: .other, message: "libpq refused single-row mode", sql: sql, target: target.description)
        }
        busy = .streaming
        return PGRowStream(connection: self, sql: sql)
    }
}
