/// A failed libpq call or server error: the server's SQLSTATE, severity and message fields
/// (https://www.postgresql.org/docs/15/protocol-error-fields.html), the connection's redacted target,
/// and a classification the storage layer maps to an HTTP status.
/// It may carry the SQL text, but never bound values, and never the password.
package struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// What the caller can do about it.
    package enum Kind: Sendable, Equatable {
        /// No usable connection: it could not be made (refused, timed out, authentication), or it broke
        /// (SQLSTATE class 08, the server shutting down or crashing: 57P01/57P02/57P03). Retry on a new
        /// or reset connection.
        case connectionUnavailable
        /// The statement was canceled (57014): `statement_timeout`, or a cancel request.
        case queryTimeout
        /// A unique constraint refused the row (23505).
        case uniqueViolation
        /// Serialization failure or deadlock (40001, 40P01): the transaction may succeed if retried.
        case serializationFailure
        /// A write in a read-only transaction (25006): after a fail-over this connection reaches a replica.
        case readOnlyTransaction
        /// A value the server (class 22, data exception) or this module (a NUL byte in text) refused.
        case invalidData
        /// Anything else: a bug in the SQL, a missing table, a misuse of this module.
        case other
    }

    package let kind: Kind
    /// The five-character SQLSTATE (PG_DIAG_SQLSTATE); nil for errors without one (libpq's own, or a
    /// connection that could not be made: libpq does not expose the startup error's fields).
    package let sqlState: String?
    /// ERROR, FATAL or PANIC, never localized (PG_DIAG_SEVERITY_NONLOCALIZED); nil without a server error.
    package let severity: String?
    /// The primary message, on one line.
    package let message: String
    /// The server's detail. Not in `description`: it can quote row values (a duplicate key's value).
    package let detail: String?
    package let hint: String?
    /// The 1-based character position in the SQL text the error points at (PG_DIAG_STATEMENT_POSITION).
    package let position: Int?
    /// The statement that failed, when there is one.
    package let sql: String?
    /// The redacted target (`ConnectionTarget.description`), when the error concerns a connection.
    package let target: String?

    package init(
        kind: Kind, message: String, sqlState: String? = nil, severity: String? = nil, detail: String? = nil,
        hint: String? = nil, position: Int? = nil, sql: String? = nil, target: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.severity = severity
        self.detail = detail
        self.hint = hint
        self.position = position
        self.sql = sql
        self.target = target
    }

    /// The class of a SQLSTATE (https://www.postgresql.org/docs/15/errcodes-appendix.html).
    package static func classify(sqlState: String?) -> Kind {
        guard let sqlState else { return .other }
        switch sqlState {
        case "57P01", "57P02", "57P03": return .connectionUnavailable  // admin, crash shutdown; cannot connect now
        case "57014": return .queryTimeout
        case "23505": return .uniqueViolation
        case "40001", "40P01": return .serializationFailure
        case "25006": return .readOnlyTransaction
        default: break
        }
        if sqlState.hasPrefix("08") { return .connectionUnavailable }
        if sqlState.hasPrefix("22") { return .invalidData }
        return .other
    }

    package var description: String {
        var text = "PostgreSQL"
        if let severity { text += " \(severity)" }
        if let sqlState { text += " \(sqlState)" }
        text += ": \(message)"
        if let position { text += " (at character \(position))" }
        if let hint { text += " (hint: \(hint))" }
        if let target { text += " [\(target)]" }
        return text
    }

    /// A libpq message (often several lines, "\n\t"-indented, ending in a newline) as one trimmed line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { $0.drop(while: { $0 == "\t" || $0 == " " }) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }
}
