import HTTPServer
import Testing

/// Request heads the parser must refuse (RFC 9112 §2-§5), with the status it answers, however split.
@Suite struct HTTPHeadParserTests {
    /// Parses `head` (a request head with its final empty line) every way and expects `status` from each.
    private func expectRefused(
        _ head: String, _ status: Int, limits: ServerConfiguration = ServerConfiguration(), randomSplits: Int = 60,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        expectRefused(octets(head), status, limits: limits, randomSplits: randomSplits, sourceLocation: sourceLocation)
    }

    private func expectRefused(
        _ head: [UInt8], _ status: Int, limits: ServerConfiguration = ServerConfiguration(), randomSplits: Int = 60,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let (outcome, mismatches) = parseEveryWay(head, limits: limits, randomSplits: randomSplits)
        #expect(outcome.errorStatus == status, sourceLocation: sourceLocation)
        #expect(outcome.requests == [], sourceLocation: sourceLocation)
        #expect(mismatches == [], sourceLocation: sourceLocation)
    }

    private func accepted(_ head: String, limits: ServerConfiguration = ServerConfiguration()) -> ParseOutcome {
        parse([octets(head)], limits: limits)
    }

    // MARK: - Request line

    @Test(arguments: ["HTTP/2.0", "HTTP/1.2", "HTTP/3.0", "HTTP/0.9"])
    func unsupportedButWellFormedVersionIs505(version: String) {
        expectRefused("GET / \(version)\r\nHost: a\r\n\r\n", 505)
    }

    @Test(arguments: ["HTTP/1.1x", "FOO", "http/1.1", "HTTP/11", "HTTP/1.", "HTTP/a.b", "HTTP/1.1 "])
    func malformedVersionIs400(version: String) {
        expectRefused("GET / \(version)\r\nHost: a\r\n\r\n", 400)
    }

    @Test(arguments: ["GE@T", "(GET)", "GET/", "G\"T", "GÉT", String(repeating: "A", count: 33)])
    func invalidMethodIs400(method: String) {
        expectRefused("\(method) / HTTP/1.1\r\nHost: a\r\n\r\n", 400)
    }

    @Test func methodOf32TokenCharactersIsAccepted() {
        let method = String(repeating: "A", count: 32)
        #expect(accepted("\(method) / HTTP/1.1\r\nHost: a\r\n\r\n").requests.map(\.method) == [method])
    }

    @Test(arguments: [
        "GET  / HTTP/1.1", "GET / HTTP/1.1 ", " GET / HTTP/1.1", "GET /", "GET", "GET / HTTP/1.1 extra",
        "GET\t/\tHTTP/1.1",
        " / HTTP/1.1",
    ])
    func malformedRequestLineIs400(line: String) {
        expectRefused("\(line)\r\nHost: a\r\n\r\n", 400)
    }

    @Test(arguments: ["orders", "*", "example.com:443", "ftp://example.com/x", "?q=1"])
    func targetThatIsNotAPathIs400(target: String) {
        expectRefused("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n", 400)
    }

    @Test func nonASCIIByteInTargetIs400() {
        expectRefused(octets("GET /caf") + [0xC3, 0xA9] + octets(" HTTP/1.1\r\nHost: a\r\n\r\n"), 400)
        expectRefused(octets("GET /a") + [0x7F] + octets(" HTTP/1.1\r\nHost: a\r\n\r\n"), 400)
    }

    @Test func bareLFInRequestLineIs400() {
        expectRefused("GET / HTTP/1.1\nHost: a\r\n\r\n", 400)
    }

    @Test func bareCRInRequestLineIs400() {
        expectRefused("GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", 400)
    }

    // MARK: - Header fields

    @Test func obsoleteLineFoldingIs400() {
        expectRefused("GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\n\r\n", 400)
        expectRefused("GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n\ttwo\r\n\r\n", 400)
    }

    @Test func whiteSpaceBeforeColonIs400() {
        expectRefused("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400)
        expectRefused("GET / HTTP/1.1\r\nHost: a\r\nContent-Length\t: 0\r\n\r\n", 400)
    }

    @Test(arguments: [": value", "no colon here", "X(y): 1", "X Y: 1", "Caf\u{E9}: 1"])
    func invalidFieldLineIs400(line: String) {
        expectRefused("GET / HTTP/1.1\r\nHost: a\r\n\(line)\r\n\r\n", 400)
    }

    @Test func bareCRInHeaderIs400() {
        expectRefused("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n", 400)
        expectRefused("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\r\n\r\n", 400)
    }

    @Test func bareLFInHeaderIs400() {
        expectRefused("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\nX-B: c\r\n\r\n", 400)
        expectRefused("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\n\r\n\r\n", 400)
    }

    @Test(arguments: [UInt8(0x00), 0x01, 0x08, 0x0B, 0x0C, 0x1B, 0x1F, 0x7F])
    func controlCharacterInHeaderValueIs400(byte: UInt8) {
        expectRefused(
            octets("GET / HTTP/1.1\r\nHost: a\r\nX-A: b") + [byte] + octets("c\r\n\r\n"), 400, randomSplits: 10)
    }

    @Test func controlCharacterAtTheEdgeOfAValueIs400() {
        expectRefused(octets("GET / HTTP/1.1\r\nHost: a\r\nX-A: ") + [0x00] + octets("\r\n\r\n"), 400)
    }

    // MARK: - Host

    @Test func missingHostOnHTTP11Is400() {
        expectRefused("GET / HTTP/1.1\r\nX-A: b\r\n\r\n", 400)
        expectRefused("GET / HTTP/1.1\r\n\r\n", 400)
    }

    @Test func twoHostHeadersAre400() {
        expectRefused("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400)
        expectRefused("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", 400)
    }

    @Test(arguments: ["a b", "a/b", "user@a"])
    func invalidHostIs400(host: String) {
        expectRefused("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n", 400)
    }

    @Test func hostWithPortIsAccepted() {
        #expect(accepted("GET / HTTP/1.1\r\nHost: example.com:8080\r\n\r\n").requests.count == 1)
    }

    // MARK: - Limits

    @Test func requestLineOverTheLimitIs414() {
        let target = "/" + String(repeating: "a", count: 8 * 1024)
        expectRefused("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n", 414, randomSplits: 4)
    }

    @Test func incompleteRequestLineOverTheLimitIs414() {
        let target = "/" + String(repeating: "a", count: 8 * 1024)
        // No line end at all: refused without waiting for the rest.
        expectRefused("GET \(target)", 414, randomSplits: 4)
        // A line end, but the head is not finished yet.
        expectRefused("GET \(target) HTTP/1.1\r\nHost: a\r\n", 414, randomSplits: 4)
    }

    @Test func requestLineJustUnderTheLimitIsAccepted() {
        let limits = smallLimits(requestLine: 64)
        let target = "/" + String(repeating: "a", count: 63 - "GET  HTTP/1.1".count - 1)
        let (outcome, mismatches) = parseEveryWay(octets("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n"), limits: limits)
        #expect(mismatches == [])
        #expect(outcome.requests.map(\.target) == [target])
    }

    @Test func requestLineOneOverASmallLimitIs414() {
        let limits = smallLimits(requestLine: 64)
        let target = "/" + String(repeating: "a", count: 65 - "GET  HTTP/1.1".count - 1)
        expectRefused("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n", 414, limits: limits)
    }

    /// A request line of exactly `maxRequestLineBytes` is within the limit, whole or split.
    @Test func requestLineOfExactlyTheLimitIsAcceptedHoweverSplit() {
        let limits = smallLimits(requestLine: 64)
        let target = "/" + String(repeating: "a", count: 64 - "GET  HTTP/1.1".count - 1)
        let request = octets("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(parse([request], limits: limits).requests.map(\.target) == [target])
        // Split between the CR and the LF that end the request line.
        let cut = 64 + 1
        let split = parse([Array(request[..<cut]), Array(request[cut...])], limits: limits)
        #expect(split.errorStatus == nil)
        #expect(split.requests.map(\.target) == [target])
    }

    /// The same boundary with the default 8 KiB limit, delivered byte by byte.
    @Test func requestLineOfExactly8KiBIsAcceptedByteByByte() {
        let target = "/" + String(repeating: "a", count: 8 * 1024 - "GET  HTTP/1.1".count - 1)
        let request = octets("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(parse([request]).requests.map(\.target) == [target])
        let byteByByte = parse(request.map { [$0] })
        #expect(byteByByte.errorStatus == nil)
        #expect(byteByByte.requests.count == 1)
    }

    /// Found by Fuzz/HTTPRequestFuzzer: a first line over the limit with a bare CR in it was 400 when
    /// the head came in one read (the complete head was parsed) but 414 when it came in pieces (the
    /// unfinished head was measured first). The answer must not depend on how TCP cut the bytes.
    @Test func overlongRequestLineWithABareCRIs414HoweverSplit() {
        let limits = smallLimits(requestLine: 24, headerBytes: 64, headerCount: 3, body: 16)
        expectRefused("GET /aaaaaaaaaaaaaaaaaaaaaaaa\rX HTTP/1.1\r\nHost: a\r\n\r\n", 414, limits: limits)
        // The fuzzer's own input (after its two control bytes).
        let found: [UInt8] = [
            0x50, 0x20, 0x54, 0x4F, 0x53, 0x20, 0x2F, 0x48, 0x54, 0x54, 0x20, 0x43, 0x6F, 0x6E, 0x74, 0x65, 0x5E,
            0x5E, 0x87, 0x8C, 0x74, 0x3A, 0x20, 0x61, 0x0D, 0x3A, 0x20, 0x62, 0x0D, 0x0A, 0x0D, 0x0A,
        ]
        expectRefused(found, 414, limits: limits)
        // Under the limit, the bare CR is what is wrong.
        expectRefused("GET /a\rX HTTP/1.1\r\nHost: a\r\n\r\n", 400, limits: limits)
    }

    @Test func headerSectionOverTheLimitIs431() {
        // 64 KiB of fields plus the Host line: over the default limit.
        let filler = (0..<64).map { "X-Fill-\($0): " + String(repeating: "v", count: 1_024) + "\r\n" }.joined()
        expectRefused("GET / HTTP/1.1\r\nHost: a\r\n\(filler)\r\n", 431, randomSplits: 2)
    }

    @Test func incompleteHeaderSectionFarOverTheLimitIs431() {
        let filler = (0..<80).map { "X-Fill-\($0): " + String(repeating: "v", count: 1_024) + "\r\n" }.joined()
        expectRefused("GET / HTTP/1.1\r\nHost: a\r\n\(filler)", 431, randomSplits: 2)
    }

    @Test func headerSectionAtASmallLimitIsAcceptedAndOneMoreByteIs431() {
        let limits = smallLimits(headerBytes: 64)
        // The section counts each field line with its CRLF: "Host: a\r\n" is 9 bytes, "X: " + value + "\r\n" the rest.
        let value = String(repeating: "v", count: 64 - 9 - 5)
        let fits = "GET / HTTP/1.1\r\nHost: a\r\nX: \(value)\r\n\r\n"
        let (outcome, mismatches) = parseEveryWay(octets(fits), limits: limits)
        #expect(mismatches == [])
        #expect(outcome.requests.count == 1)
        expectRefused("GET / HTTP/1.1\r\nHost: a\r\nX: \(value)v\r\n\r\n", 431, limits: limits)
    }

    @Test func hundredFieldsAreAcceptedAndOneMoreIs431() {
        let ninetyNine = (0..<99).map { "X-\($0): \($0)\r\n" }.joined()
        let fits = accepted("GET / HTTP/1.1\r\nHost: a\r\n\(ninetyNine)\r\n")
        #expect(fits.errorStatus == nil)
        #expect(fits.requests.first?.fields.count == 100)
        expectRefused("GET / HTTP/1.1\r\nHost: a\r\n\(ninetyNine)X-Extra: 1\r\n\r\n", 431, randomSplits: 10)
    }

    @Test func emptyFieldsCountTowardsTheLimit() {
        let limits = smallLimits(headerCount: 3)
        expectRefused("GET / HTTP/1.1\r\nHost: a\r\nA:\r\nB:\r\nC:\r\n\r\n", 431, limits: limits)
    }

    // MARK: - Errors after good requests

    @Test func requestsBeforeABadOneAreStillDelivered() {
        let stream = octets("GET /ok HTTP/1.1\r\nHost: a\r\n\r\nGET /bad HTTP/9.9\r\nHost: a\r\n\r\n")
        let (outcome, mismatches) = parseEveryWay(stream)
        #expect(mismatches == [])
        #expect(outcome.requests.map(\.target) == ["/ok"])
        #expect(outcome.errorStatus == 505)
    }
}
