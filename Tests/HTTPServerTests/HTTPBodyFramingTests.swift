import HTTPServer
import Testing

/// Body framing (RFC 9112 §6-§7): Content-Length, chunked, and the ambiguities that must be refused.
@Suite struct HTTPBodyFramingTests {
    private func outcome(
        _ request: String, limits: ServerConfiguration = ServerConfiguration(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> ParseOutcome {
        let (outcome, mismatches) = parseEveryWay(octets(request), limits: limits, randomSplits: 60)
        #expect(mismatches == [], sourceLocation: sourceLocation)
        return outcome
    }

    private func post(_ headers: String, _ body: String = "", version: String = "HTTP/1.1") -> String {
        "POST / \(version)\r\nHost: a\r\n\(headers)\r\n\(body)"
    }

    // MARK: - Content-Length and Transfer-Encoding together or in the wrong shape

    @Test func contentLengthAndTransferEncodingTogetherAre400() {
        #expect(outcome(post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n")).errorStatus == 400)
        #expect(outcome(post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "hello")).errorStatus == 400)
    }

    @Test func unsupportedCodingBeforeChunkedIs501() {
        #expect(outcome(post("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n")).errorStatus == 501)
        #expect(
            outcome(post("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n")).errorStatus == 501)
    }

    @Test(arguments: ["chunked, gzip", "gzip", "identity", "", "chunked;q=1"])
    func chunkedNotLastIs400(codings: String) {
        #expect(outcome(post("Transfer-Encoding: \(codings)\r\n", "0\r\n\r\n")).errorStatus == 400)
    }

    @Test func transferEncodingOnHTTP10Is400() {
        #expect(outcome(post("Transfer-Encoding: chunked\r\n", "0\r\n\r\n", version: "HTTP/1.0")).errorStatus == 400)
    }

    @Test func conflictingContentLengthsAre400() {
        #expect(outcome(post("Content-Length: 5, 6\r\n", "hello!")).errorStatus == 400)
        #expect(outcome(post("Content-Length: 5\r\nContent-Length: 6\r\n", "hello!")).errorStatus == 400)
    }

    @Test(arguments: ["+5", "-1", "5a", "", " ", "5 5", "0x5", "5,", ",5", "5.0", "\u{663}"])
    func invalidContentLengthIs400(value: String) {
        let result = outcome(post("Content-Length: \(value)\r\n", "hello"))
        #expect(result.errorStatus == 400)
        #expect(result.requests == [])
        #expect(result.pendingHead == nil)
    }

    @Test(arguments: ["99999999999999999999", "9223372036854775808", "100000000000000000000000000000"])
    func hugeContentLengthIs413(value: String) {
        #expect(outcome(post("Content-Length: \(value)\r\n")).errorStatus == 413)
    }

    @Test func contentLengthAtTheLimitIsAcceptedAndOneMoreIs413() {
        let limits = smallLimits(body: 16)
        let sixteen = String(repeating: "b", count: 16)
        #expect(outcome(post("Content-Length: 16\r\n", sixteen), limits: limits).requests.map(\.bodyText) == [sixteen])
        // Refused as soon as the head is read, before any body byte.
        #expect(outcome(post("Content-Length: 17\r\n"), limits: limits).errorStatus == 413)
    }

    // MARK: - Chunked bodies

    @Test func chunkedBodyAtTheLimitIsAcceptedAndOverItIs413() {
        let limits = smallLimits(body: 16)
        let atLimit = outcome(
            post("Transfer-Encoding: chunked\r\n", "a\r\n0123456789\r\n6\r\nabcdef\r\n0\r\n\r\n"), limits: limits)
        #expect(atLimit.requests.map(\.bodyText) == ["0123456789abcdef"])
        let over = outcome(
            post("Transfer-Encoding: chunked\r\n", "a\r\n0123456789\r\n7\r\nabcdefg\r\n0\r\n\r\n"), limits: limits)
        #expect(over.errorStatus == 413)
        #expect(over.requests == [])
        #expect(over.pendingHead != nil)  // the head was read; the body broke the limit
    }

    @Test func singleChunkOverTheLimitIs413BeforeItsData() {
        let limits = smallLimits(body: 16)
        // Only the size line is sent: the chunk is refused without waiting for its data.
        #expect(outcome(post("Transfer-Encoding: chunked\r\n", "11\r\n"), limits: limits).errorStatus == 413)
    }

    @Test(arguments: ["zz", "", " 5", "-1", "0x5", "5 x", "5:ext", "g"])
    func invalidChunkSizeIs400(sizeLine: String) {
        let result = outcome(post("Transfer-Encoding: chunked\r\n", "\(sizeLine)\r\nhello\r\n0\r\n\r\n"))
        #expect(result.errorStatus == 400)
        #expect(result.requests == [])
    }

    @Test func chunkSizeWithNineHexDigitsIs413() {
        #expect(outcome(post("Transfer-Encoding: chunked\r\n", "100000000\r\n")).errorStatus == 413)
        #expect(outcome(post("Transfer-Encoding: chunked\r\n", "FFFFFFFFFFFFFFFFF\r\n")).errorStatus == 413)
    }

    /// Leading zeros do not change a chunk's size (RFC 9112 §7.1: chunk-size = 1*HEXDIG).
    @Test func chunkSizeWithLeadingZerosIsItsValue() {
        #expect(
            outcome(post("Transfer-Encoding: chunked\r\n", "0005\r\nhello\r\n0\r\n\r\n")).requests.map(\.bodyText) == [
                "hello"
            ])
        let longZeros = parse([octets(post("Transfer-Encoding: chunked\r\n", "0000000005\r\nhello\r\n0\r\n\r\n"))])
        #expect(longZeros.errorStatus == nil)
        #expect(longZeros.requests.map(\.bodyText) == ["hello"])
    }

    @Test func contentLengthWithLeadingZerosIsItsValue() {
        #expect(outcome(post("Content-Length: 005\r\n", "hello")).requests.map(\.bodyText) == ["hello"])
        let longZeros = parse([octets(post("Content-Length: 0000000000000000005\r\n", "hello"))])
        #expect(longZeros.errorStatus == nil)
        #expect(longZeros.requests.map(\.bodyText) == ["hello"])
    }

    @Test func chunkDataNotFollowedByCRLFIs400() {
        #expect(outcome(post("Transfer-Encoding: chunked\r\n", "5\r\nhelloX\r\n0\r\n\r\n")).errorStatus == 400)
        #expect(outcome(post("Transfer-Encoding: chunked\r\n", "5\r\nhello\n0\r\n\r\n")).errorStatus == 400)
        #expect(outcome(post("Transfer-Encoding: chunked\r\n", "5\r\nhello\r0\r\n\r\n")).errorStatus == 400)
    }

    @Test func bareLineEndsInChunkSizeLinesAre400() {
        #expect(outcome(post("Transfer-Encoding: chunked\r\n", "5\nhello\r\n0\r\n\r\n")).errorStatus == 400)
        #expect(outcome(post("Transfer-Encoding: chunked\r\n", "5\rhello\r\n0\r\n\r\n")).errorStatus == 400)
        #expect(outcome(post("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\n\r\n")).errorStatus == 400)
    }

    @Test func bareLFInTrailerIs400() {
        #expect(outcome(post("Transfer-Encoding: chunked\r\n", "0\r\nX-T: 1\n\r\n")).errorStatus == 400)
    }

    @Test func controlCharacterInChunkExtensionIs400() {
        #expect(outcome(post("Transfer-Encoding: chunked\r\n", "5;a\u{1}b\r\nhello\r\n0\r\n\r\n")).errorStatus == 400)
    }

    @Test func overlongChunkSizeLineIs400() {
        let extensions = ";" + String(repeating: "e", count: 2_000)
        #expect(
            outcome(post("Transfer-Encoding: chunked\r\n", "5\(extensions)\r\nhello\r\n0\r\n\r\n")).errorStatus == 400)
    }

    @Test func tooManyTrailersAre431() {
        let limits = smallLimits(headerCount: 3)
        let three = (0..<3).map { "T-\($0): x\r\n" }.joined()
        #expect(
            outcome(post("Transfer-Encoding: chunked\r\n", "0\r\n\(three)\r\n"), limits: limits).requests.count == 1)
        #expect(
            outcome(post("Transfer-Encoding: chunked\r\n", "0\r\n\(three)T-4: x\r\n\r\n"), limits: limits).errorStatus
                == 431)
    }

    @Test func oversizedTrailersAre431() {
        let limits = smallLimits(headerBytes: 32)
        let trailer = "T: " + String(repeating: "t", count: 40)
        #expect(
            outcome(post("Transfer-Encoding: chunked\r\n", "0\r\n\(trailer)\r\n\r\n"), limits: limits).errorStatus
                == 431)
    }

    /// Found while fuzzing: every read rescanned the unfinished line from its start, so a 64 KiB
    /// trailer sent one byte per read cost about 2 billion byte checks (8 s of CPU in a release build
    /// under the fuzzer; 40 ms once the scan resumes where it stopped). The same input, byte by byte.
    @Test func longLinesSentByteByByteParseLikeWholeOnes() {
        let trailer = "X-Long: " + String(repeating: "t", count: 64 * 1024 - 8)
        let extensions = (0..<8).map { _ in "1;" + String(repeating: "e", count: 1_000) + "\r\nx\r\n" }.joined()
        let request = octets(post("Transfer-Encoding: chunked\r\n", extensions + "0\r\n\(trailer)\r\n\r\n"))
        let byteByByte = parse(request.map { [$0] })
        #expect(byteByByte == parse([request]))
        #expect(byteByByte.errorStatus == nil)
        #expect(byteByByte.requests.map(\.bodyText) == ["xxxxxxxx"])
    }

    @Test func chunkedBodyFollowedByAPipelinedRequest() {
        let stream =
            post("Transfer-Encoding: chunked\r\n", "2\r\nhi\r\n0\r\n\r\n") + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"
        let result = outcome(stream)
        #expect(result.errorStatus == nil)
        #expect(result.requests.map(\.target) == ["/", "/next"])
        #expect(result.requests.map(\.bodyText) == ["hi", ""])
    }
}
