import HTTPServer
import TestSupport
import Testing

/// Well-formed requests: the parser must report the same requests however the bytes are split.
@Suite struct HTTPRequestParserTests {
    @Test func simpleGetWithoutBody() {
        let (outcome, mismatches) = parseEveryWay(
            octets("GET /orders?status=paid HTTP/1.1\r\nHost: example.com\r\n\r\n"))
        #expect(mismatches == [])
        #expect(outcome.errorStatus == nil)
        #expect(
            outcome.requests == [
                ParsedRequest(
                    method: "GET", target: "/orders?status=paid", version: .http11,
                    fields: [Field("host", "example.com")], body: [])
            ])
    }

    @Test func headerNamesAreLowerCasedAndDuplicatesKeptInOrder() throws {
        let request = octets(
            "POST / HTTP/1.1\r\nHost: a\r\nX-Tag: one\r\nCONTENT-TYPE:application/json\r\nx-tag:  two \t\r\n"
                + "Accept:\r\nX-TAG: three\r\n\r\n")
        let (outcome, mismatches) = parseEveryWay(request)
        #expect(mismatches == [])
        let parsed = try #require(outcome.requests.first)
        #expect(
            parsed.fields == [
                Field("host", "a"), Field("x-tag", "one"), Field("content-type", "application/json"),
                Field("x-tag", "two"), Field("accept", ""), Field("x-tag", "three"),
            ])
    }

    @Test func headersAPIOnAParsedHead() throws {
        var parser = HTTPRequestParser(limits: ServerConfiguration())
        parser.append(
            octets("GET / HTTP/1.1\r\nHost: a\r\nConnection: Keep-Alive, Upgrade\r\nX-A: 1\r\nx-a: 2\r\n\r\n"))
        guard case .head(let head)? = try parser.next() else {
            Issue.record("expected a head")
            return
        }
        #expect(head.headers["X-A"] == "1")
        #expect(head.headers.values("x-a") == ["1", "2"])
        #expect(head.headers.tokens("connection") == ["keep-alive", "upgrade"])
        #expect(head.headers.count == 4)
        #expect(head.path == "/")
        #expect(head.query == nil)
    }

    @Test func contentLengthBody() {
        let request = octets("POST /ingest HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world")
        let (outcome, mismatches) = parseEveryWay(request)
        #expect(mismatches == [])
        #expect(outcome.errorStatus == nil)
        #expect(outcome.requests.map(\.bodyText) == ["hello world"])
        #expect(outcome.requests.first?.method == "POST")
    }

    @Test func binaryContentLengthBodyWithCRLFInside() {
        let body: [UInt8] = [0x00, 0x0D, 0x0A, 0x0D, 0x0A, 0xFF, 0x80, 0x47, 0x45, 0x54]
        let request = octets("PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n") + body
        let (outcome, mismatches) = parseEveryWay(request)
        #expect(mismatches == [])
        #expect(outcome.requests.map(\.body) == [body])
    }

    @Test func equalRepeatedContentLengthValuesAreOneLength() {
        let request = octets("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc")
        let (outcome, mismatches) = parseEveryWay(request)
        #expect(mismatches == [])
        #expect(outcome.requests.map(\.bodyText) == ["abc"])
    }

    @Test func chunkedBodyWithExtensionsTrailersAndUppercaseHex() {
        let request = octets(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n"
                + "1;name=value\r\n \r\n"
                + "A ; ext=\"quoted\";other\r\n0123456789\r\n"
                + "1a\r\nabcdefghijklmnopqrstuvwxyz\r\n"
                + "0;last\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n")
        let (outcome, mismatches) = parseEveryWay(request)
        #expect(mismatches == [])
        #expect(outcome.errorStatus == nil)
        #expect(outcome.requests.map(\.bodyText) == ["hello 0123456789abcdefghijklmnopqrstuvwxyz"])
    }

    @Test func transferCodingNamesAreCaseInsensitive() {
        let request = octets("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        let (outcome, mismatches) = parseEveryWay(request)
        #expect(mismatches == [])
        #expect(outcome.requests.map(\.bodyText) == ["abc"])
    }

    @Test func emptyChunkedBody() {
        let request = octets("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        let (outcome, mismatches) = parseEveryWay(request)
        #expect(mismatches == [])
        #expect(outcome.requests.map(\.body) == [[]])
    }

    @Test func pipelinedRequestsAreParsedInOrder() {
        let stream = octets(
            "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nfirst"
                + "GET /b HTTP/1.1\r\nHost: a\r\n\r\n"
                + "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nthird!\r\n0\r\n\r\n")
        let (outcome, mismatches) = parseEveryWay(stream)
        #expect(mismatches == [])
        #expect(outcome.errorStatus == nil)
        #expect(outcome.requests.map(\.target) == ["/a", "/b", "/c"])
        #expect(outcome.requests.map(\.method) == ["POST", "GET", "POST"])
        #expect(outcome.requests.map(\.bodyText) == ["first", "", "third!"])
        #expect(outcome.pendingHead == nil)
    }

    @Test func manyPipelinedRequestsSurviveBufferCompaction() {
        var stream: [UInt8] = []
        for number in 0..<50 {
            let body = String(repeating: "x", count: number)
            stream += octets("POST /\(number) HTTP/1.1\r\nHost: a\r\nContent-Length: \(number)\r\n\r\n\(body)")
        }
        let (outcome, mismatches) = parseEveryWay(stream, randomSplits: 40)
        #expect(mismatches == [])
        #expect(outcome.requests.map(\.target) == (0..<50).map { "/\($0)" })
        #expect(outcome.requests.map(\.body.count) == Array(0..<50))
    }

    @Test func http10RequestNeedsNoHost() {
        let (outcome, mismatches) = parseEveryWay(octets("GET /healthz HTTP/1.0\r\n\r\n"))
        #expect(mismatches == [])
        #expect(
            outcome.requests == [
                ParsedRequest(method: "GET", target: "/healthz", version: .http10, fields: [], body: [])
            ])
    }

    @Test func http10WithContentLengthBody() {
        let request = octets("POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\nok")
        let (outcome, mismatches) = parseEveryWay(request)
        #expect(mismatches == [])
        #expect(outcome.requests.map(\.version) == [.http10])
        #expect(outcome.requests.map(\.bodyText) == ["ok"])
    }

    @Test func emptyLinesBeforeTheRequestLineAreIgnored() {
        let stream = octets(
            "\r\n\r\nGET /a HTTP/1.1\r\nHost: a\r\n\r\n"
                + "\r\nPOST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nz\r\n"
                + "GET /c HTTP/1.1\r\nHost: a\r\n\r\n")
        let (outcome, mismatches) = parseEveryWay(stream)
        #expect(mismatches == [])
        #expect(outcome.errorStatus == nil)
        #expect(outcome.requests.map(\.target) == ["/a", "/b", "/c"])
    }

    @Test(arguments: [
        ("http://example.com/orders/1?x=y", "/orders/1?x=y"),
        ("https://example.com:8443/a/b", "/a/b"),
        ("http://user@example.com/p", "/p"),
        ("http://example.com", "/"),
    ])
    func absoluteFormIsReducedToPathAndQuery(target: String, expected: String) {
        let (outcome, mismatches) = parseEveryWay(
            octets("GET \(target) HTTP/1.1\r\nHost: example.com\r\n\r\n"), randomSplits: 20)
        #expect(mismatches == [])
        #expect(outcome.errorStatus == nil)
        #expect(outcome.requests.map(\.target) == [expected])
    }

    /// RFC 9112 §3.2.2 with RFC 9110 §4.2.3: an empty path is "/", and the query must survive.
    @Test func absoluteFormWithEmptyPathKeepsItsQuery() {
        let outcome = parse([octets("GET http://example.com?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n")])
        #expect(outcome.requests.map(\.target) == ["/?x=1"])
    }

    /// RFC 3986 §3.1: the scheme is case-insensitive.
    @Test func absoluteFormSchemeIsCaseInsensitive() {
        let outcome = parse([octets("GET HTTP://example.com/x HTTP/1.1\r\nHost: example.com\r\n\r\n")])
        #expect(outcome.errorStatus == nil)
        #expect(outcome.requests.map(\.target) == ["/x"])
    }

    @Test func optionsAsteriskIsAccepted() {
        let (outcome, _) = parseEveryWay(octets("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"), randomSplits: 0)
        #expect(outcome.requests.map(\.target) == ["*"])
    }

    @Test func obsTextInHeaderValuesIsKeptAsLatin1() throws {
        let request =
            octets("GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf") + [0xC3, 0xA9, 0x20, 0xFF] + octets("!\r\n\r\n")
        let (outcome, mismatches) = parseEveryWay(request)
        #expect(mismatches == [])
        let value = try #require(outcome.requests.first?.fields.last?.value)
        #expect(value.unicodeScalars.map(\.value) == [0x63, 0x61, 0x66, 0xC3, 0xA9, 0x20, 0xFF, 0x21])
    }

    @Test func tabInsideHeaderValueIsAllowed() {
        let (outcome, _) = parseEveryWay(octets("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\tc\r\n\r\n"), randomSplits: 0)
        #expect(outcome.requests.first?.fields.last == Field("x-a", "b\tc"))
    }

    @Test func methodsAreCaseSensitiveTokens() {
        let (outcome, _) = parseEveryWay(
            octets("get / HTTP/1.1\r\nHost: a\r\n\r\nM-SEARCH! / HTTP/1.1\r\nHost: a\r\n\r\n"), randomSplits: 0)
        #expect(outcome.requests.map(\.method) == ["get", "M-SEARCH!"])
    }

    @Test func randomRequestsAgreeAcrossManySplits() {
        var generator = SeededGenerator(seed: 42)
        let alphabet = octets("ab\r\n{}0")
        for round in 0..<30 {
            var stream: [UInt8] = []
            var expectedBodies: [[UInt8]] = []
            for number in 0..<Int.random(in: 1...3, using: &generator) {
                let body = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                    alphabet.randomElement(using: &generator)!
                }
                expectedBodies.append(body)
                if Bool.random(using: &generator) {
                    stream +=
                        octets("POST /\(round)/\(number) HTTP/1.1\r\nHost: h\r\nContent-Length: \(body.count)\r\n\r\n")
                        + body
                } else {
                    stream += octets(
                        "POST /\(round)/\(number) HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n")
                    var rest = body[...]
                    while !rest.isEmpty {
                        let size = Int.random(in: 1...rest.count, using: &generator)
                        let sizeText = String(size, radix: 16, uppercase: Bool.random(using: &generator))
                        stream += octets("\(sizeText)\r\n") + rest.prefix(size) + octets("\r\n")
                        rest = rest.dropFirst(size)
                    }
                    stream += octets("0\r\n\r\n")
                }
            }
            let (outcome, mismatches) = parseEveryWay(stream, randomSplits: 20)
            #expect(mismatches == [], "round \(round)")
            #expect(outcome.errorStatus == nil, "round \(round)")
            #expect(outcome.requests.map(\.body) == expectedBodies, "round \(round)")
        }
    }

    // MARK: - Phase and body expectations

    @Test func phaseFollowsTheRequest() throws {
        var parser = HTTPRequestParser(limits: ServerConfiguration())
        #expect(parser.phase == .idle)
        parser.append(octets("POST / HTTP/1.1\r\nHost: a\r\nContent-Le"))
        #expect(try parser.next() == nil)
        #expect(parser.phase == .head)
        parser.append(octets("ngth: 4\r\n\r\nab"))
        guard case .head? = try parser.next() else {
            Issue.record("expected a head")
            return
        }
        #expect(parser.phase == .body)
        #expect(parser.expectsBody)
        #expect(parser.hasBodyBytes)
        #expect(try parser.next() == nil)
        #expect(parser.expectsBody)
        parser.append(octets("cd"))
        guard case .body(let body)? = try parser.next() else {
            Issue.record("expected a body")
            return
        }
        #expect(body == octets("abcd"))
        #expect(parser.phase == .idle)
        #expect(!parser.expectsBody)
        #expect(try parser.next() == nil)
    }

    @Test func requestWithoutBodyExpectsNone() throws {
        var parser = HTTPRequestParser(limits: ServerConfiguration())
        parser.append(octets("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET"))
        guard case .head? = try parser.next() else {
            Issue.record("expected a head")
            return
        }
        #expect(!parser.expectsBody)
        guard case .body(let body)? = try parser.next() else {
            Issue.record("expected an empty body")
            return
        }
        #expect(body.isEmpty)
        #expect(parser.phase == .head)  // the next request has begun
        #expect(try parser.next() == nil)
    }

    @Test func chunkedRequestExpectsBodyUntilTheLastChunk() throws {
        var parser = HTTPRequestParser(limits: ServerConfiguration())
        parser.append(octets("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"))
        guard case .head? = try parser.next() else {
            Issue.record("expected a head")
            return
        }
        #expect(parser.expectsBody)
        #expect(!parser.hasBodyBytes)
        parser.append(octets("3\r\nabc\r\n"))
        #expect(try parser.next() == nil)
        #expect(parser.expectsBody)
        #expect(parser.hasBodyBytes)
        parser.append(octets("0\r\n\r\n"))
        guard case .body(let body)? = try parser.next() else {
            Issue.record("expected a body")
            return
        }
        #expect(body == octets("abc"))
        #expect(parser.phase == .idle)
    }
}
