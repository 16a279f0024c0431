import HTTPServer
import TestSupport

/// One header field, comparable (the parser's `HTTPHeaders` is not `Equatable`).
struct Field: Equatable, CustomStringConvertible {
    let name: String
    let value: String

    init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    var description: String { "\(name): \(value)" }
}

/// A whole request as the parser reported it.
struct ParsedRequest: Equatable {
    var method: String
    var target: String
    var version: HTTPVersion
    var fields: [Field]
    var body: [UInt8]

    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Everything the parser produced from a byte stream: complete requests, and the error that stopped it.
struct ParseOutcome: Equatable {
    var requests: [ParsedRequest] = []
    /// The status of the `HTTPParseError` thrown, if any.
    var errorStatus: Int?
    /// A head whose body never completed.
    var pendingHead: ParsedRequest?
}

/// Drives a parser with `chunks`, draining `next()` after each one, as a connection would.
func parse(_ chunks: [[UInt8]], limits: ServerConfiguration = ServerConfiguration()) -> ParseOutcome {
    var parser = HTTPRequestParser(limits: limits)
    var outcome = ParseOutcome()
    do {
        for chunk in chunks {
            parser.append(chunk)
            while let event = try parser.next() {
                switch event {
                case .head(let head):
                    precondition(outcome.pendingHead == nil, "two heads without a body in between")
                    outcome.pendingHead = ParsedRequest(
                        method: head.method, target: head.target, version: head.version,
                        fields: head.headers.map { Field($0.name, $0.value) }, body: [])
                case .body(let body):
                    guard var request = outcome.pendingHead else {
                        preconditionFailure("a body without a head")
                    }
                    request.body = body
                    outcome.requests.append(request)
                    outcome.pendingHead = nil
                }
            }
        }
    } catch {
        outcome.errorStatus = error.status
    }
    return outcome
}

/// `bytes` cut at random places (chunks of 1 to `maxChunk` bytes, sometimes empty).
func randomSplit(_ bytes: [UInt8], using generator: inout SeededGenerator, maxChunk: Int = 16) -> [[UInt8]] {
    var chunks: [[UInt8]] = []
    var position = 0
    while position < bytes.count {
        let length = Int.random(in: 0...maxChunk, using: &generator)
        let end = min(bytes.count, position + length)
        chunks.append(Array(bytes[position..<end]))
        position = end
    }
    return chunks
}

/// Ways of delivering the same bytes: whole, byte by byte, and `randomSplits` random cuts
/// (half of them in small chunks, half in larger ones).
func deliveries(_ bytes: [UInt8], randomSplits: Int = 200, seed: UInt64 = 0x5EED) -> [(name: String, chunks: [[UInt8]])]
{
    var result: [(String, [[UInt8]])] = [("whole", [bytes]), ("byte by byte", bytes.map { [$0] })]
    var generator = SeededGenerator(seed: seed)
    for iteration in 0..<randomSplits {
        let maxChunk = iteration.isMultiple(of: 2) ? 8 : 512
        result.append(
            ("random split #\(iteration) (seed \(seed))", randomSplit(bytes, using: &generator, maxChunk: maxChunk)))
    }
    return result
}

/// Parses `bytes` delivered in every way of `deliveries`, checks that every delivery gives the same
/// outcome as the whole buffer, and returns that outcome.
func parseEveryWay(
    _ bytes: [UInt8], limits: ServerConfiguration = ServerConfiguration(), randomSplits: Int = 200
) -> (outcome: ParseOutcome, mismatches: [String]) {
    let ways = deliveries(bytes, randomSplits: randomSplits)
    let reference = parse(ways[0].chunks, limits: limits)
    var mismatches: [String] = []
    for way in ways.dropFirst() {
        let outcome = parse(way.chunks, limits: limits)
        if outcome != reference { mismatches.append("\(way.name): \(outcome) instead of \(reference)") }
    }
    return (reference, mismatches)
}

/// The UTF-8 bytes of a request written with explicit `\r\n`.
func octets(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Limits small enough to reach in a test.
func smallLimits(
    requestLine: Int = 64, headerBytes: Int = 256, headerCount: Int = 8, body: Int = 16
) -> ServerConfiguration {
    var limits = ServerConfiguration()
    limits.maxRequestLineBytes = requestLine
    limits.maxHeaderBytes = headerBytes
    limits.maxHeaderCount = headerCount
    limits.maxBodyBytes = body
    return limits
}
