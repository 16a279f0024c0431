/// Where a streamed body is written. The server frames it (chunked, or raw until close for HTTP/1.0);
/// wrappers such as gzip can stand in between.
package protocol BodySink: AnyObject {
    /// Writes bytes of the body; throws when the client is gone or too slow.
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension BodySink {
    /// Writes a byte array.
    package func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// A response: status, headers and a body that is either known bytes or a stream.
package struct HTTPResponse: Sendable {
    /// The body of a response.
    package enum Body: Sendable {
        /// Known bytes, framed by `Content-Length`.
        case bytes([UInt8])
        /// Produced while it is sent, framed by chunked transfer coding: memory stays constant. A stream
        /// whose headers declare `Content-Length` is sent as is instead; if it then produces fewer bytes
        /// (or throws) the connection is closed after what was produced.
        case stream(@Sendable (BodySink) throws -> Void)
    }

    package var status: Int
    package var headers: HTTPHeaders
    package var body: Body
    /// Close the connection after this response (e.g. an error whose body was never read).
    package var closeConnection = false

    package init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a byte body and its content type.
    package init(status: Int, contentType: String, body: [UInt8]) {
        var headers = HTTPHeaders()
        headers.add("Content-Type", contentType)
        self.init(status: status, headers: headers, body: .bytes(body))
    }
}

/// Reason phrases for the status line (RFC 9110 §15). Clients ignore them, people read them.
package enum HTTPStatus {
    package static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 207: "Multi-Status"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 417: "Expectation Failed"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        case 507: "Insufficient Storage"
        default: "Status \(status)"
        }
    }
}
