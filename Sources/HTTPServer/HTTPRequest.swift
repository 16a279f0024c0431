/// The version of a request: the server speaks HTTP/1.1 and understands HTTP/1.0 clients.
package enum HTTPVersion: Sendable, Equatable {
    case http10, http11

    var text: String { self == .http10 ? "HTTP/1.0" : "HTTP/1.1" }
}

/// A parsed request line and header section (RFC 9112 §3, §5).
package struct HTTPRequestHead: Sendable {
    /// The method token, case-sensitive (RFC 9110 §9.1).
    package var method: String
    /// The request target as sent (origin form: path and query).
    package var target: String
    package var version: HTTPVersion
    package var headers: HTTPHeaders

    /// The path part of the target, without the query. (Read several times per request: found by a
    /// byte search, not a split that builds an array.)
    package var path: Substring {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target[...] }
        return target[..<mark]
    }

    /// The raw query string after `?`, or nil.
    package var query: Substring? {
        guard let mark = target.firstIndex(of: "?") else { return nil }
        return target[target.index(after: mark)...]
    }

    /// Whether the client wants the connection kept open after this exchange (RFC 9112 §9.3).
    package var wantsKeepAlive: Bool {
        let tokens = headers.tokens("connection")
        if tokens.contains("close") { return false }
        return version == .http11 || tokens.contains("keep-alive")
    }

    package init(method: String, target: String, version: HTTPVersion, headers: HTTPHeaders) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }
}

/// A whole request: its head, its body (already de-chunked), and who sent it.
package struct HTTPRequest: Sendable {
    package var head: HTTPRequestHead
    package var body: [UInt8]
    /// The peer's IP address.
    package var remoteAddress: String
    /// Path parameters filled in by the router, e.g. `order_id`.
    package var parameters: [String: String] = [:]
    /// The sink the handler gave for this request's body (see `HTTPHandler.bodySink`): it holds what
    /// was read from the body, and `body` is empty.
    package var bodySink: (any HTTPBodySink)?

    package init(head: HTTPRequestHead, body: [UInt8], remoteAddress: String) {
        self.head = head
        self.body = body
        self.remoteAddress = remoteAddress
    }

    package var method: String { head.method }
    package var headers: HTTPHeaders { head.headers }
}
