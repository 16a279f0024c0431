import Foundation
import Gzip
import HTTPServer
import Synchronization
import Testing

/// Request bodies read as they arrive (`HTTPHandler.bodySink`), and gzip inflated piece by piece
/// (`InflateStream`): what `POST /` uses for NDJSON and CSV (docs/contract.md §3).
@Suite struct BodyStreamingTests {
    /// Counts the body bytes it is handed.
    final class CountingSink: HTTPBodySink {
        let received = Mutex<[UInt8]>([])
        func consume(_ bytes: [UInt8]) { received.withLock { $0 += bytes } }
        var count: Int { received.withLock { $0.count } }
    }

    /// Streams every body into its sink and answers what it saw.
    struct StreamingHandler: HTTPHandler {
        let sink: CountingSink
        func preflight(_ head: HTTPRequestHead) -> HTTPResponse? { nil }
        func bodySink(for head: HTTPRequestHead) -> (any HTTPBodySink)? { sink }
        func handle(_ request: HTTPRequest) -> HTTPResponse {
            let same = request.bodySink.map { $0 === sink } ?? false
            let text = "buffered \(request.body.count), streamed \(sink.count), same sink \(same)"
            return HTTPResponse(status: 200, contentType: "text/plain", body: Array(text.utf8))
        }
        func protocolError(status: Int, detail: String) -> HTTPResponse {
            HTTPResponse(status: status, contentType: "text/plain", body: Array(detail.utf8))
        }
        func completed(_ exchange: CompletedExchange) {}
    }

    @Test func theHandlerSeesTheBodyBeforeItHasAllArrived() throws {
        let sink = CountingSink()
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let server = try HTTPServer(configuration: configuration, handler: StreamingHandler(sink: sink))
        let port = try server.start()
        defer { server.drain() }
        let client = try RawClient(port: port)
        let body = [UInt8]((0..<20_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
        try client.send(Array("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n".utf8))
        try client.send(Array(body[..<12_000]))
        // The first part reaches the sink while the rest has not been sent: waited for, with a deadline.
        let deadline = Date().addingTimeInterval(10)
        while sink.count < 12_000 && Date() < deadline { usleep(5_000) }
        #expect(sink.count == 12_000)
        try client.send(Array(body[12_000...]))
        let response = try client.readResponse()
        #expect(response.text == "buffered 0, streamed 20000, same sink true")
        #expect(sink.received.withLock { $0 } == body)
    }

    @Test func inflatingInPiecesGivesTheWholeOutputAndTheSameErrors() throws {
        let original = Array((0..<50_000).map { "line \($0)\n" }.joined().utf8)
        let gzipped = try Deflater.gzip(original)
        for size in [1, 7, 1_000, gzipped.count] {
            var output: [UInt8] = []
            let stream = try InflateStream(limit: original.count)
            var start = 0
            while start < gzipped.count {
                let end = min(gzipped.count, start + size)
                _ = try gzipped[start..<end].withUnsafeBufferPointer { piece throws(GzipError) in
                    try stream.feed(piece) {
                        output += $0; return true
                    }
                }
                start = end
            }
            try stream.finish()
            #expect(output == original, "pieces of \(size)")
        }
        #expect(throws: GzipError.tooLarge(limit: 1_000)) { try Inflater.gunzip(gzipped, limit: 1_000) }
        #expect(throws: GzipError.corrupt("gzip body is truncated")) {
            try Inflater.gunzip(Array(gzipped.dropLast(4)), limit: original.count)
        }
        #expect(throws: GzipError.corrupt("unexpected bytes after the gzip stream")) {
            try Inflater.gunzip(gzipped + [0], limit: original.count)
        }
        // Bytes after the end arriving in a later piece are refused too.
        let stream = try InflateStream(limit: original.count)
        _ = try gzipped.withUnsafeBufferPointer { all throws(GzipError) in try stream.feed(all) { _ in true } }
        #expect(throws: GzipError.corrupt("unexpected bytes after the gzip stream")) {
            _ = try [UInt8(0)].withUnsafeBufferPointer { extra throws(GzipError) in try stream.feed(extra) { _ in true }
            }
        }
    }
}
