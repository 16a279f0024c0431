@testable package import HTTPServer

/// One request as the parser reported it, comparable between deliveries of the same bytes.
package struct ParsedRequest: Equatable, CustomStringConvertible {
    package var method: String
    package var target: String
    package var version: HTTPVersion
    package var fields: [String]
    package var body: [UInt8]

    init(_ head: HTTPRequestHead) {
        method = head.method
        target = head.target
        version = head.version
        fields = head.headers.map { "\($0.name): \($0.value)" }
        body = []
    }

    package var description: String {
        "\(method) \(target) \(version.text) \(fields) body \(body.count) bytes"
    }
}

/// Everything a parser produced from one delivery of a byte stream.
package struct ParseRun: Equatable {
    /// Complete requests, in order.
    package var requests: [ParsedRequest] = []
    /// The status of the `HTTPParseError` that stopped the parser, if one did.
    package var errorStatus: Int?
    /// A head whose body had not completed when the bytes ran out.
    package var pendingHead: ParsedRequest?
    /// The parser's phase when the bytes ran out (nil after an error: the connection closes then).
    package var phase: HTTPRequestParser.Phase?
}
