import HTTPServer
import Testing

/// A body handed on as it arrives (`takeBodyBytes`, used for `HTTPHandler.bodySink`): the pieces and the
/// final event together are the body, in order, however the bytes were cut; framing and limits count
/// the bytes already taken.
@Suite struct HTTPBodyStreamingTests {
    /// Feeds `request` in pieces of the given sizes, taking body bytes after every piece.
    private func stream(
        _ request: String, sizes: [Int], limits: ServerConfiguration = ServerConfiguration()
    ) -> (body: [UInt8], pieces: Int, error: Int?, complete: Bool) {
        var parser = HTTPRequestParser(limits: limits)
        parser.streamsBody = true
        let bytes = Array(request.utf8)
        var body: [UInt8] = []
        var pieces = 0
        var start = 0
        var turn = 0
        do {
            while start < bytes.count {
                let end = min(bytes.count, start + max(1, sizes[turn % sizes.count]))
                parser.append(Array(bytes[start..<end]))
                start = end
                turn += 1
                while let event = try parser.next() {
                    if case .body(let rest) = event {
                        return (body + rest, pieces, nil, true)
                    }
                    parser.streamsBody = true
                }
                let part = parser.takeBodyBytes()
                if !part.isEmpty {
                    body += part
                    pieces += 1
                }
            }
        } catch {
            return (body, pieces, error.status, false)
        }
        return (body, pieces, nil, false)
    }

    private let text = String((0..<3_000).map { Character(Unicode.Scalar(UInt8(65 + $0 % 26))) })

    @Test(arguments: [[1], [7], [100, 3, 64], [5_000]])
    func contentLengthBodyArrivesInPieces(sizes: [Int]) {
        let result = stream("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3000\r\n\r\n\(text)GET", sizes: sizes)
        #expect(result.complete)
        #expect(String(decoding: result.body, as: UTF8.self) == text)
        if sizes != [5_000] { #expect(result.pieces > 1) }
    }

    @Test(arguments: [[1], [9], [50, 2, 700]])
    func chunkedBodyArrivesInPieces(sizes: [Int]) {
        let chunks = stride(from: 0, to: 3_000, by: 500).map { offset in
            let piece = text.dropFirst(offset).prefix(500)
            return "1f4;ext=1\r\n\(piece)\r\n"
        }.joined()
        let result = stream(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\(chunks)0\r\nX-T: 1\r\n\r\n", sizes: sizes
        )
        #expect(result.complete)
        #expect(String(decoding: result.body, as: UTF8.self) == text)
        #expect(result.pieces > 1)
    }

    @Test func theBodyLimitCountsBytesAlreadyTaken() {
        var limits = ServerConfiguration()
        limits.maxBodyBytes = 1_000
        let chunk = "1f4\r\n" + String(repeating: "x", count: 500) + "\r\n"
        let result = stream(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\(chunk)\(chunk)\(chunk)0\r\n\r\n",
            sizes: [100], limits: limits)
        #expect(result.error == 413)
        #expect(!result.complete)
    }
}
