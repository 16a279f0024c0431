internal import CLibPQ

/// Where a connection string points, for logs and errors: hosts, ports, database, user and sslmode,
/// read with libpq's own parser (PQconninfoParse), so a `postgres://` URL and a key=value list mean
/// here exactly what they mean to libpq. The password is never part of it.
package struct ConnectionTarget: Sendable, CustomStringConvertible {
    /// The options the string sets, by libpq keyword (`host`, `port`, `dbname`, `user`, ...), without
    /// `password` and `sslpassword`. PQconninfoParse inserts no defaults: an option left out is absent.
    package let options: [String: String]
    /// The secrets the string holds, kept only to scrub them out of libpq's messages.
    let secrets: Secrets

    /// The keywords shown in `description`, in this order.
    private static let shown = ["host", "hostaddr", "port", "dbname", "user", "sslmode"]
    private static let secretKeywords: Set<String> = ["password", "sslpassword"]

    /// Parses `conninfo` (a `postgres://` or `postgresql://` URL, or `key=value` pairs). A string libpq
    /// cannot parse is an error whose message never repeats the string (it may hold the password).
    package init(conninfo: String) throws(PostgresError) {
        // Every libpq call starts here: a machine without libpq gets this error, not a crash.
        guard LibPQ.isAvailable else { throw PostgresError(kind: .connectionUnavailable, message: LibPQ.problem) }
        var failure: UnsafeMutablePointer<CChar>?
        guard let parsed = PQconninfoParse(conninfo, &failure) else {
            let reason = failure.map { String(cString: $0) } ?? "out of memory"
            PQfreemem(failure)
            throw PostgresError(
                kind: .other,
                message: "invalid connection string: \(Self.withoutQuotedParts(PostgresError.oneLine(reason)))")
        }
        defer { PQconninfoFree(parsed) }
        var options: [String: String] = [:]
        var secrets: [String] = []
        var option = parsed
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                let name = String(cString: keyword)
                if Self.secretKeywords.contains(name) {
                    secrets.append(String(cString: value))
                } else {
                    options[name] = String(cString: value)
                }
            }
            option += 1
        }
        // libpq splits URL credentials at the first "@", so an unencoded "@" in a password leaves the
        // rest of the password in the host name, where a description and libpq's messages would show it.
        if let host = options["host"], host.contains("@") {
            throw PostgresError(
                kind: .other,
                message: "invalid connection string: the host contains \"@\"; percent-encode \"@\" (%40) in a URL's "
                    + "user name or password")
        }
        self.options = options
        self.secrets = Secrets(values: secrets.filter { !$0.isEmpty })
    }

    /// `host=… port=… dbname=… user=…` with only the options the string sets; never the password.
    package var description: String {
        let parts = Self.shown.compactMap { keyword in options[keyword].map { "\(keyword)=\(Self.quoted($0))" } }
        return parts.isEmpty ? "libpq defaults" : parts.joined(separator: " ")
    }

    /// `text` with every secret of this target replaced: a last line of defence for messages that
    /// libpq builds from the connection options.
    func redact(_ text: String) -> String {
        secrets.values.reduce(text) { result, secret in result.replacing(secret, with: "[redacted]") }
    }

    private static func quoted(_ value: String) -> String {
        value.isEmpty || value.contains(" ") ? "'\(value)'" : value
    }

    /// libpq's parse errors quote the piece of the string they stumbled on, and some quote the whole
    /// URL (`invalid percent-encoded token: "…"`, `… in URI: "postgres://user:secret@…"`). Everything
    /// from the first double quote to the last goes, even if a password itself contains a quote.
    static func withoutQuotedParts(_ message: String) -> String {
        guard let first = message.firstIndex(of: "\""), let last = message.lastIndex(of: "\"") else {
            return message
        }
        return String(message[..<first]) + "…" + String(message[message.index(after: last)...])
    }
}

/// Values that must never be printed: `description`, `debugDescription` and reflection (`dump`) all
/// show a placeholder.
struct Secrets: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let values: [String]
    var description: String { "[redacted]" }
    var debugDescription: String { "[redacted]" }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}
