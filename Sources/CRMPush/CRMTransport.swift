/// One HTTP request to a CRM.
///
/// CRMPush has its own transport protocol so that it needs neither Foundation nor the Connectors target.
/// It has the shape of Connectors' `HTTPTransport` (Sources/Connectors/HTTPTransport.swift), so the
/// worker adapts `URLSessionTransport` in a few lines (docs/customers.md §6):
///
/// ```swift
/// struct CRMTransportAdapter: CRMTransport {
///     let base: any HTTPTransport  // a URLSessionTransport
///     func send(_ request: CRMRequest, timeout: Double) async throws(CRMTransportError) -> CRMResponse {
///         let provider = ProviderRequest(
///             method: request.method, url: request.url,
///             headers: request.headers.map { ($0.name, $0.value) }, body: request.body)
///         do {
///             let answer = try await base.send(provider, timeout: timeout)
///             return CRMResponse(status: answer.status, headers: answer.headers, body: answer.body)
///         } catch {
///             throw CRMTransportError(error.description)
///         }
///     }
/// }
/// ```
package struct CRMRequest: Sendable, Equatable {
    package var method: String
    /// Absolute http(s) URL.
    package var url: String
    package var headers: [CRMHeader]
    package var body: [UInt8]?

    package init(method: String, url: String, headers: [CRMHeader] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The value of header `name` (case-insensitive), the first one when repeated.
    package func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    /// The URL's path without scheme, host or query: what reasons and logs may name (a query or a
    /// header can carry a secret; a path here carries at most an email or a customer id).
    package var path: String {
        var rest = Substring(url)
        for scheme in ["https://", "http://"] where rest.hasPrefix(scheme) { rest = rest.dropFirst(scheme.count) }
        guard let slash = rest.firstIndex(of: "/") else { return "/" }
        return String(rest[slash...].prefix { $0 != "?" && $0 != "#" })
    }
}

/// One request header.
package struct CRMHeader: Sendable, Equatable {
    package var name: String
    package var value: String

    package init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A CRM's answer, whatever its status: the pushers decide what it means.
package struct CRMResponse: Sendable, Equatable {
    package var status: Int
    /// Header names lower-cased (as `URLSessionTransport` gives them).
    package var headers: [String: String]
    package var body: [UInt8]

    package init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    package func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// No complete answer: refused, reset, timed out, truncated, over the size limit. Always transient.
package struct CRMTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    package let description: String

    package init(_ description: String) {
        self.description = description
    }
}

/// How the pushers reach a CRM; injected, so unit tests script the answers and the worker adapts its
/// URLSession transport (see `CRMRequest`).
package protocol CRMTransport: Sendable {
    /// Sends `request`, giving up after `timeout` seconds in all. Must bound the answer's size.
    func send(_ request: CRMRequest, timeout: Double) async throws(CRMTransportError) -> CRMResponse
}
