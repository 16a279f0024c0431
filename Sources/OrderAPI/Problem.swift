package import HTTPServer
package import OrderCore

/// RFC 9457 problem documents: every error the service answers with is one of these.
/// They name no file path, SQL or stack.
package struct Problem: Error, Sendable {
    package var status: Int
    package var type = "about:blank"
    package var detail: String
    package var errors: [ItemProblem] = []
    /// Where a malformed body (JSON, NDJSON or CSV) broke.
    package var syntax: JSONSyntaxError?
    /// Extension members (RFC 9457 §3.2), written after the standard ones.
    package var members: [(name: String, value: JSONValue)] = []
    /// Extra headers (e.g. `Allow`, `WWW-Authenticate`).
    package var headers: [(String, String)] = []

    package init(status: Int, detail: String, type: String = "about:blank") {
        self.status = status
        self.detail = detail
        self.type = type
    }

    /// The response carrying this problem.
    package var response: HTTPResponse {
        var writer = JSONWriter(capacity: 256)
        writer.raw("{\"type\":")
        writer.string(type)
        writer.raw(",\"title\":")
        writer.string(HTTPStatus.reason(status))
        writer.raw(",\"status\":")
        writer.integer(Int64(status))
        writer.raw(",\"detail\":")
        writer.string(detail)
        if let syntax {
            writer.raw(",\"line\":\(syntax.line),\"column\":\(syntax.column),\"offset\":\(syntax.offset)")
        }
        if !errors.isEmpty {
            writer.raw(",\"errors\":[")
            for (position, error) in errors.enumerated() {
                if position > 0 { writer.raw(",") }
                writer.raw("{\"index\":")
                if let index = error.index { writer.integer(Int64(index)) } else { writer.raw("null") }
                writer.raw(",\"field\":")
                writer.optionalString(error.field)
                writer.raw(",\"problem\":")
                writer.string(error.problem)
                if let line = error.line { writer.raw(",\"line\":\(line)") }
                writer.raw("}")
            }
            writer.raw("]")
        }
        for member in members {
            writer.raw(",")
            writer.string(member.name)
            writer.raw(":")
            writer.write(member.value)
        }
        writer.raw("}")
        var response = HTTPResponse(status: status, contentType: "application/problem+json", body: writer.bytes)
        for (name, value) in headers { response.headers.add(name, value) }
        return response
    }

    static let invalidOrdersType = "urn:ordersync:problem:invalid-orders"
    static let malformedJSONType = "urn:ordersync:problem:malformed-json"
    static let malformedCSVType = "urn:ordersync:problem:malformed-csv"
}
