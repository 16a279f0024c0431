internal import CLibPQ

/// A `COPY … FROM STDIN` in progress (https://www.postgresql.org/docs/15/libpq-copy.html): send the
/// data in chunks of any size (chunk boundaries mean nothing to the server), then `end()`. The
/// connection runs nothing else meanwhile. Released before `end()`, the COPY is aborted: no row of it
/// is stored.
package final class PGCopyIn {
    private let connection: PGConnection
    private let sql: String
    private let session: Int
    private var isFinished = false

    init(connection: PGConnection, sql: String) {
        self.connection = connection
        self.sql = sql
        self.session = connection.session
    }

    deinit { abort("the COPY was abandoned") }

    /// Sends a chunk of COPY data (PQputCopyData; blocking: libpq waits until its buffer has room).
    package func put(_ bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        try checkOpen()
        // PQputCopyData takes an int length: large buffers go in slices.
        var offset = 0
        while offset < bytes.count {
            let count = min(bytes.count - offset, 1 << 20)
            let start = bytes.baseAddress?.advanced(by: offset).assumingMemoryBound(to: CChar.self)
            guard PQputCopyData(connection.handle, start, Int32(count)) == 1 else {
                finishAfterFailure()
                throw connection.connectionError(sql: sql)
            }
            offset += count
        }
    }

    package func put(_ bytes: [UInt8]) throws(PostgresError) {
        // withUnsafeBytes rethrows untyped errors: carry the typed one out in a Result.
        try bytes.withUnsafeBytes { buffer in Result { () throws(PostgresError) in try put(buffer) } }.get()
    }

    package func put(_ text: String) throws(PostgresError) {
        var text = text
        try text.withUTF8 { buffer in Result { () throws(PostgresError) in try put(UnsafeRawBufferPointer(buffer)) } }
            .get()
    }

    /// Ends the data and waits for the server's verdict: the number of rows stored, or the error that
    /// made the whole COPY fail (a malformed line, a constraint), when no row of it is stored.
    @discardableResult
    package func end() throws(PostgresError) -> Int64 {
        try checkOpen()
        guard PQputCopyEnd(connection.handle, nil) == 1 else {
            finishAfterFailure()
            throw connection.connectionError(sql: sql)
        }
        isFinished = true
        defer {
            connection.discardResults()
            connection.busy = nil
        }
        return try connection.check(PQgetResult(connection.handle), sql: sql).affectedRows ?? 0
    }

    /// Fails the COPY on purpose (PQputCopyEnd with a reason): the server stores none of its rows.
    package func abort(_ reason: String) {
        guard !isFinished else { return }
        isFinished = true
        // After a reset the COPY went with its session.
        guard connection.session == session else { return }
        _ = PQputCopyEnd(connection.handle, reason)
        connection.discardResults()
        connection.busy = nil
    }

    private func finishAfterFailure() {
        isFinished = true
        connection.discardResults()
        connection.busy = nil
    }

    private func checkOpen() throws(PostgresError) {
        let reason =
            isFinished
            ? "the COPY has already ended" : connection.session != session ? "the connection was reset" : nil
        guard let reason else { return }
        isFinished = true
        throw PostgresError(kind: .other, message: reason, sql: sql, target: connection.target.description)
    }
}

extension PGConnection {
    /// Starts `sql`, a `COPY table [(columns)] FROM STDIN` (text format unless its options say otherwise).
    package func copyIn(_ sql: String) throws(PostgresError) -> PGCopyIn {
        try checkIdle(sql: sql)
        guard let result = PQexecParams(handle, sql, 0, nil, nil, nil, nil, 0) else {
            throw connectionError(sql: sql)
        }
        guard PQresultStatus(result) == PGRES_COPY_IN else {
            // Not a COPY FROM STDIN, or it failed (no such table): `check` reports it and cleans up.
            _ = try check(result, sql: sql)
            discardResults()
            throw PostgresError(
                kind: .other, message: "not a COPY … FROM STDIN statement", sql: sql, target: target.description)
        }
        PQclear(result)
        busy = .copying
        return PGCopyIn(connection: self, sql: sql)
    }
}

/// COPY's text format (https://www.postgresql.org/docs/15/sql-copy.html, "Text Format"): fields
/// separated by a tab, rows ended by a newline, `\N` for NULL, and a backslash escaping the backslash,
/// newline, carriage return and tab inside a value.
package enum PGCopyText {
    /// Appends one row to `buffer`. A value holding a NUL byte is refused (text cannot hold one).
    package static func appendRow(_ fields: [String?], to buffer: inout [UInt8]) throws(PostgresError) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            try appendField(field, to: &buffer)
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    /// Appends one escaped value (no separator).
    package static func appendField(_ value: String?, to buffer: inout [UInt8]) throws(PostgresError) {
        guard let value else {
            buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\t"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\n"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0:
                throw PostgresError(
                    kind: .invalidData, message: "a COPY value contains a NUL byte, which PostgreSQL text cannot hold",
                    sqlState: "22021")
            default: buffer.append(byte)
            }
        }
    }

    /// One escaped value as a String, for building rows by hand.
    package static func escape(_ value: String?) throws(PostgresError) -> String {
        var buffer: [UInt8] = []
        try appendField(value, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
