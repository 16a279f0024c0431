/// One outbound HTTP request of a connector.
package struct ProviderRequest: Sendable {
    package var method: String
    /// Absolute http(s) URL.
    package var url: String
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]?

    package init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The URL's path without scheme, host or query: what failures report (a query string can carry
    /// cursors or, for careless APIs, credentials).
    package var path: String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        guard let slash = rest.firstIndex(of: "/") else { return "/" }
        let path = rest[slash...]
        return String(path.prefix { $0 != "?" && $0 != "#" })
    }
}

/// A provider's answer (any status: the client decides what is an error).
package struct ProviderResponse: Sendable {
    package var status: Int
    /// Header names lower-cased; a repeated header keeps its values joined by ", " (RFC 9110 §5.3).
    package var headers: [String: String]
    package var body: [UInt8]

    package init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    package func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// The request never got a complete answer: connection refused or reset, timeout, truncated body,
/// response over the size limit. Retried like a 5xx.
package struct TransportError: Error, Sendable, CustomStringConvertible {
    package let description: String

    package init(_ description: String) {
        self.description = description
    }
}

/// How connectors reach the network; injected, so tests and the fakes can stand in for it.
package protocol HTTPTransport: Sendable {
    /// Sends `request`, giving up after `timeout` seconds in all.
    func send(_ request: ProviderRequest, timeout: Double) async throws(TransportError) -> ProviderResponse
}
