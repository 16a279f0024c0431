internal import CLibPQ

#if canImport(Glibc)
    import Glibc
#endif

/// One PostgreSQL connection through libpq, blocking: every call waits for the server's answer.
///
/// `@unchecked Sendable`: its owner (a pool) hands it to one thread at a time, like our SQLite
/// `Connection`, and never uses it from two threads at once. libpq allows that: a PGconn may move
/// between threads as long as only one uses it at a time (https://www.postgresql.org/docs/15/libpq-threading.html;
/// Debian's libpq is built thread-safe, PQisthreadsafe). The class itself has no lock.
package final class PGConnection: @unchecked Sendable {
    /// `connect_timeout` unless the connection string gives one. libpq applies it to each host (or
    /// address) in turn and reads anything below 2 as 2 (https://www.postgresql.org/docs/15/libpq-connect.html).
    package static let defaultConnectTimeoutSeconds = 10
    /// `application_name` unless the connection string gives one: it names us in pg_stat_activity.
    package static let defaultApplicationName = "ordersync"

    let handle: OpaquePointer
    /// Where the connection goes, without the password: for logs and errors.
    package let target: ConnectionTarget
    /// Set while a row stream or a COPY owns the connection: nothing else may run until it ends.
    var busy: Busy?
    /// Counts resets, so a stream or COPY begun before one leaves the new session alone.
    private(set) var session = 0
    var statements = PreparedStatements()
    /// Server notices and warnings (RAISE NOTICE, "there is no transaction in progress"), one line each.
    /// Without a handler they are dropped; libpq's default would print them on stderr.
    package var onNotice: ((String) -> Void)?

    enum Busy: String {
        case streaming = "a streaming query"
        case copying = "a COPY"
    }

    /// Connects to `conninfo`: a `postgres://` / `postgresql://` URL or a key=value list, passed to
    /// libpq as it is (its `sslmode`, `options`, multiple hosts, `target_session_attrs` included).
    /// `client_encoding` is always UTF8: results are read as UTF-8.
    package init(
        conninfo: String, connectTimeoutSeconds: Int = defaultConnectTimeoutSeconds,
        applicationName: String = defaultApplicationName
    ) throws(PostgresError) {
        let target = try ConnectionTarget(conninfo: conninfo)
        // PQconnectdbParams reads the arrays in order, a repeated keyword's last value winning, and
        // expands the first dbname that is a connection string in place (expand_dbname). So the
        // defaults go first (the string may override them) and client_encoding last (it may not).
        // The TCP defaults (keepalives, tcp_user_timeout) are in PGConnection+Network.swift.
        let defaults = Self.networkDefaults
        let keywords = ["connect_timeout", "application_name"] + defaults.map(\.keyword) + ["dbname", "client_encoding"]
        let values = [String(connectTimeoutSeconds), applicationName] + defaults.map(\.value) + [conninfo, "UTF8"]
        let connection = withCStringArray(keywords) { keywords in
            withCStringArray(values) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let connection else {
            throw PostgresError(kind: .connectionUnavailable, message: "out of memory", target: target.description)
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = LibPQ.text(PQerrorMessage(connection))
            PQfinish(connection)
            throw PostgresError(
                kind: .connectionUnavailable, message: target.redact(PostgresError.oneLine(message)),
                target: target.description)
        }
        self.handle = connection
        self.target = target
        // Set once connected (PQconnectdbParams offers no earlier moment); PQreset keeps it.
        _ = PQsetNoticeProcessor(
            connection,
            { context, message in
                guard let context, let message else { return }
                let connection = Unmanaged<PGConnection>.fromOpaque(context).takeUnretainedValue()
                connection.onNotice?(PostgresError.oneLine(String(cString: message)))
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit { PQfinish(handle) }

    /// Runs one statement with bound parameters (PQexecParams): values never enter the SQL text.
    package func query(_ sql: String, _ parameters: [PGValue] = []) throws(PostgresError) -> PGResult {
        try checkIdle(sql: sql)
        let bound = try Parameters(parameters, sql: sql)
        let result = try bound.withValuePointers { values throws(PostgresError) in
            PQexecParams(handle, sql, bound.count, bound.types, values, bound.lengths, bound.formats, 0)
        }
        return try check(result, sql: sql)
    }

    /// Runs a script of several `;`-separated statements without parameters (PQexec: the simple query
    /// protocol), for migrations. Without an explicit BEGIN/COMMIT the script runs as one transaction
    /// (https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-FLOW-MULTI-STATEMENT).
    package func execute(_ script: String) throws(PostgresError) {
        try checkIdle(sql: script)
        _ = try check(PQexec(handle, script), sql: script)
    }

    /// libpq's view of the connection: false once it saw the connection fail. It does not ask the
    /// server; `isHealthy()` does.
    package var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }

    /// True when a round trip (an empty query) succeeds and no stream or COPY holds the connection.
    /// Blocks until the server answers.
    package func isHealthy() -> Bool {
        guard isConnected, busy == nil else { return false }
        guard let result = PQexec(handle, "") else { return false }
        defer { PQclear(result) }
        return PQresultStatus(result) == PGRES_EMPTY_QUERY
    }

    /// Closes the connection and opens it again with the same parameters (PQreset), e.g. after the
    /// server restarted or failed over. Session state is gone, so prepared statements are prepared
    /// again on their next use.
    package func reset() throws(PostgresError) {
        PQreset(handle)
        busy = nil
        session += 1
        statements.serverForgotAll()
        guard isConnected else { throw connectionError(sql: nil) }
    }

    /// The state of the session's transaction (PQtransactionStatus).
    package var transactionStatus: TransactionStatus {
        switch PQtransactionStatus(handle) {
        case PQTRANS_IDLE: .idle
        case PQTRANS_ACTIVE: .active
        case PQTRANS_INTRANS: .inTransaction
        case PQTRANS_INERROR: .inFailedTransaction
        default: .unknown
        }
    }

    /// Rolls back the open transaction, if any; never throws (used on error paths).
    package func rollbackQuietly() {
        guard busy == nil, transactionStatus == .inTransaction || transactionStatus == .inFailedTransaction
        else { return }
        PQclear(PQexec(handle, "ROLLBACK"))
    }

    /// The server's version as a number, e.g. 150008 for 15.8 (0 when not connected).
    package var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// The server process serving this connection (pg_stat_activity.pid).
    package var backendPID: Int { Int(PQbackendPID(handle)) }

    // MARK: - Errors

    func checkIdle(sql: String?) throws(PostgresError) {
        if let busy {
            throw PostgresError(
                kind: .other, message: "the connection is busy with \(busy.rawValue): finish or close it first",
                sql: sql, target: target.description)
        }
    }

    /// Takes ownership of `result`: wrapped when it succeeded, cleared and thrown otherwise.
    func check(_ result: OpaquePointer?, sql: String?) throws(PostgresError) -> PGResult {
        guard let result else { throw connectionError(sql: sql) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE, PGRES_EMPTY_QUERY:
            return PGResult(handle: result)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            PQclear(result)
            leaveUnexpectedCopy()
            throw PostgresError(
                kind: .other, message: "COPY is only supported through copyIn(_:)", sql: sql, target: target.description
            )
        default:
            let error = self.error(from: result, sql: sql)
            PQclear(result)
            throw error
        }
    }

    /// The error a failed result carries. A connection libpq saw fail is `connectionUnavailable`
    /// whatever the result says: the caller must reconnect.
    func error(from result: OpaquePointer, sql: String?) -> PostgresError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        let sqlState = field(ordersync_pg_diag_sqlstate)
        let message =
            field(ordersync_pg_diag_message_primary) ?? LibPQ.text(PQresultErrorMessage(result))
        let fallback = message.isEmpty ? LibPQ.text(PQerrorMessage(handle)) : message
        return PostgresError(
            kind: isConnected ? PostgresError.classify(sqlState: sqlState) : .connectionUnavailable,
            message: target.redact(PostgresError.oneLine(fallback)), sqlState: sqlState,
            severity: field(ordersync_pg_diag_severity_nonlocalized) ?? field(ordersync_pg_diag_severity),
            detail: field(ordersync_pg_diag_message_detail).map(target.redact),
            hint: field(ordersync_pg_diag_message_hint),
            position: field(ordersync_pg_diag_statement_position).flatMap { Int($0) }, sql: sql,
            target: target.description)
    }

    /// The connection's last error (PQerrorMessage), for calls that return no result.
    func connectionError(sql: String?) -> PostgresError {
        let message = PostgresError.oneLine(LibPQ.text(PQerrorMessage(handle)))
        return PostgresError(
            kind: isConnected ? .other : .connectionUnavailable,
            message: target.redact(message.isEmpty ? "no result from libpq" : message), sql: sql,
            target: target.description)
    }

    /// Reads and drops results until libpq says the command is done (PQgetResult returns NULL).
    func discardResults() {
        while let result = PQgetResult(handle) {
            let status = PQresultStatus(result)
            PQclear(result)
            // A COPY started by a script would never end by itself.
            if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH {
                leaveUnexpectedCopy()
                return
            }
        }
    }

    /// Ends a COPY the caller did not ask for (a `COPY … FROM STDIN` in `query` or `execute`): COPY IN
    /// is failed by the client, COPY OUT is read to its end.
    private func leaveUnexpectedCopy() {
        _ = PQputCopyEnd(handle, "COPY is not supported here")
        var buffer: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(handle, &buffer, 0) > 0 { PQfreemem(buffer) }
        discardResults()
    }
}

/// The state of a session's transaction.
package enum TransactionStatus: Sendable {
    /// No transaction open.
    case idle
    /// A command is in progress.
    case active
    /// Inside a transaction block (after BEGIN).
    case inTransaction
    /// Inside a failed transaction block: only ROLLBACK will be accepted.
    case inFailedTransaction
    /// The connection is bad.
    case unknown
}

/// Calls `body` with NULL-terminated C copies of `strings`.
private func withCStringArray<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return body(copies.map { UnsafePointer($0) } + [nil])
}
