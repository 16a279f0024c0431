import HTTPServer
import Testing

/// The server change the truncate fault rests on: a streamed body whose headers declare
/// `Content-Length` is sent as is (not chunked), and one that comes up short closes the connection.
@Suite struct DeclaredLengthStreamTests {
    struct Handler: HTTPHandler {
        func preflight(_ head: HTTPRequestHead) -> HTTPResponse? { nil }
        func handle(_ request: HTTPRequest) -> HTTPResponse {
            let short = request.head.path == "/short"
            var headers = HTTPHeaders()
            headers.add("Content-Length", "10")
            return HTTPResponse(
                status: 200, headers: headers,
                body: .stream { sink in
                    try sink.write(Array("01234".utf8))
                    if !short { try sink.write(Array("56789".utf8)) }
                })
        }
        func protocolError(status: Int, detail: String) -> HTTPResponse { HTTPResponse(status: status) }
        func completed(_ exchange: CompletedExchange) {}
    }

    @Test func declaredLengthFramesTheStream() throws {
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let server = try HTTPServer(configuration: configuration, handler: Handler())
        defer { server.drain() }
        let port = try server.start()
        let client = try RawClient(port: port)
        for _ in 0..<2 {  // the connection stays usable
            try client.send("GET /full HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.headers["content-length"] == "10")
            #expect(response.headers["transfer-encoding"] == nil)
            #expect(response.text == "0123456789")
        }
        let short = try RawClient(port: port)
        try short.send("GET /short HTTP/1.1\r\nHost: x\r\n\r\n")
        let raw = String(decoding: short.readAll(), as: UTF8.self)
        #expect(raw.hasPrefix("HTTP/1.1 200") && raw.hasSuffix("\r\n\r\n01234"))
    }
}
