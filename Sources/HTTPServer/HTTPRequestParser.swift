/// An incremental HTTP/1.1 request parser (RFC 9112). It does no I/O: bytes go in with `append`,
/// events come out of `next()`, however the bytes were split. Pipelined requests stay buffered.
package struct HTTPRequestParser {
    /// What `next()` found.
    package enum Event: Sendable {
        /// A request head is complete; its body (if any) follows.
        case head(HTTPRequestHead)
        /// The body of the current request is complete (empty when there is none).
        case body([UInt8])
    }

    /// Where the parser is; the connection picks its timeout from this.
    package enum Phase: Equatable, Sendable {
        /// Between requests with nothing buffered.
        case idle
        /// Some bytes of a request head have arrived.
        case head
        /// Inside a body.
        case body
    }

    private enum Framing {
        case length(Int)
        case chunked(ChunkState)
    }

    private enum ChunkState {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailers(count: Int, bytes: Int)
    }

    private let limits: ServerConfiguration
    private var buffer: [UInt8] = []
    private var start = 0
    /// How far the head has been searched for its end, so byte-by-byte input stays linear.
    private var scanned = 0
    /// The same for the line being read (the request line's LF, a chunk-size line, a trailer): where
    /// the search stopped, or the LF found. Without it each read rescans the whole line, and a 64 KiB
    /// trailer sent one byte per read costs seconds of CPU.
    private var lineScanned = 0
    private var framing: Framing?
    private var body: [UInt8] = []
    /// Body bytes of the current request already handed out by `takeBodyBytes` (they count toward its
    /// length and the body limit as if they were still buffered).
    private var taken = 0
    /// Set by a connection that hands the body on as it arrives: then no room is reserved for all of it.
    package var streamsBody = false

    package init(limits: ServerConfiguration) {
        self.limits = limits
    }

    /// Adds bytes read from the peer.
    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            scanned -= start
            lineScanned -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    package mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The current phase (for timeouts and for knowing whether a connection may be closed quietly).
    package var phase: Phase {
        if framing != nil { return .body }
        return start < buffer.count ? .head : .idle
    }

    /// True while the current request still has body bytes to come (a request without a body has none).
    package var expectsBody: Bool {
        switch framing {
        case nil: false
        case .length(let length): taken + body.count < length
        case .chunked: true
        }
    }

    /// Request bytes this parser holds: what arrived and is not parsed yet (a head, pipelined requests),
    /// and the body buffered so far (by its capacity: that is what it occupies once it grew). The
    /// connection charges this to the memory budget.
    package var bufferedBytes: Int { buffer.count - start + body.capacity }

    /// The Content-Length of the current request's body, nil when it is chunked or there is none.
    package var declaredBodyLength: Int? {
        if case .length(let length)? = framing, length > 0 { return length }
        return nil
    }

    /// Body bytes already buffered or decoded for the current request (100-continue is pointless then).
    package var hasBodyBytes: Bool { framing != nil && (taken > 0 || !body.isEmpty || start < buffer.count) }

    /// The body bytes decoded so far for the current request and not yet taken; the `.body` event at its
    /// end then carries only the rest. Lets a connection hand a body on as it arrives, never whole.
    package mutating func takeBodyBytes() -> [UInt8] {
        guard framing != nil, !body.isEmpty else { return [] }
        let bytes = body
        taken += bytes.count
        body = []
        return bytes
    }

    /// Between requests with nothing buffered, gives the buffer's memory back: a connection parked
    /// between requests (Sources/HTTPServer/ConnectionLoop.swift) then holds no read capacity.
    package mutating func releaseIdleBuffer() {
        guard framing == nil, start >= buffer.count, buffer.capacity > 0 else { return }
        buffer = []
        start = 0
        scanned = 0
        lineScanned = 0
    }

    /// The next event, or nil when more bytes are needed.
    package mutating func next() throws(HTTPParseError) -> Event? {
        if framing != nil { return try nextBody() }
        return try nextHead()
    }

    // MARK: - Head

    private mutating func nextHead() throws(HTTPParseError) -> Event? {
        // RFC 9112 §2.2: ignore empty lines before a request line (some clients send one after a body).
        while start + 1 < buffer.count && buffer[start] == 0x0D && buffer[start + 1] == 0x0A { start += 2 }
        scanned = max(scanned, start)
        guard let end = findHeadEnd() else {
            try checkHeadLimits(upTo: buffer.count)
            return nil
        }
        // Judge the complete head as a byte-by-byte delivery would have judged its longest unfinished
        // prefix (all but the final LF): the answer then never depends on how the bytes were cut into reads.
        try checkHeadLimits(upTo: end + 3)
        let head = try buffer.withUnsafeBufferPointer { all throws(HTTPParseError) in
            try HTTPHeadParser.parse(UnsafeBufferPointer(rebasing: all[start..<end]), limits: limits)
        }
        start = end + 4
        scanned = start
        framing = try framingOf(head)
        body = []
        taken = 0
        return .head(head)
    }

    /// Index of the CRLFCRLF ending the head, searching only bytes not searched before.
    private mutating func findHeadEnd() -> Int? {
        var index = max(start, scanned - 3)
        while index + 3 < buffer.count {
            if buffer[index + 3] != 0x0A {
                index += buffer[index + 3] == 0x0D ? 1 : 4
                continue
            }
            if buffer[index] == 0x0D && buffer[index + 1] == 0x0A && buffer[index + 2] == 0x0D { return index }
            index += 1
        }
        scanned = buffer.count
        return nil
    }

    /// An unfinished head may already be over a limit: refuse it without waiting for the rest.
    /// `end` bounds the head bytes judged (the head has not ended before it).
    private mutating func checkHeadLimits(upTo end: Int) throws(HTTPParseError) {
        let pending = end - start
        let lineEnd = buffer[max(start, lineScanned)..<end].firstIndex(of: 0x0A)
        lineScanned = lineEnd ?? end
        // + 1: the line's CR may already be here while its LF is not.
        if lineEnd == nil && pending > limits.maxRequestLineBytes + 1 {
            throw HTTPParseError(414, "the request line is longer than \(limits.maxRequestLineBytes) bytes")
        }
        if let lineEnd, lineEnd - start > limits.maxRequestLineBytes + 1 {
            throw HTTPParseError(414, "the request line is longer than \(limits.maxRequestLineBytes) bytes")
        }
        if pending > limits.maxRequestLineBytes + limits.maxHeaderBytes + 4 {
            throw HTTPParseError(431, "the header section is larger than \(limits.maxHeaderBytes) bytes")
        }
    }

    /// Body framing (RFC 9112 §6.3): chunked, a Content-Length, or none. Ambiguity is refused, since
    /// two parties reading the framing differently is how requests get smuggled.
    private func framingOf(_ head: HTTPRequestHead) throws(HTTPParseError) -> Framing {
        let transferCodings = head.headers.tokens("transfer-encoding")
        let lengths = head.headers.values("content-length")
        if !head.headers.values("transfer-encoding").isEmpty {
            guard lengths.isEmpty else {
                throw HTTPParseError(400, "a request must not carry both Content-Length and Transfer-Encoding")
            }
            guard head.version == .http11 else { throw HTTPParseError(400, "Transfer-Encoding requires HTTP/1.1") }
            guard transferCodings.last == "chunked" else {
                throw HTTPParseError(400, "chunked must be the final transfer coding")
            }
            guard transferCodings.count == 1 else {
                throw HTTPParseError(501, "only the chunked transfer coding is supported")
            }
            return .chunked(.size)
        }
        guard !lengths.isEmpty else { return .length(0) }
        var length: Int?
        for element in lengths.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            let text = element.trimmingCharacters(in: " \t")
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw HTTPParseError(400, "invalid Content-Length")
            }
            let significant = text.drop { $0 == "0" }
            guard significant.utf8.count <= 18, let value = Int(significant.isEmpty ? "0" : String(significant)) else {
                throw HTTPParseError(413, "the body is larger than \(limits.maxBodyBytes) bytes")
            }
            if let length, length != value { throw HTTPParseError(400, "conflicting Content-Length values") }
            length = value
        }
        guard let length else { throw HTTPParseError(400, "invalid Content-Length") }
        if length > limits.maxBodyBytes {
            throw HTTPParseError(413, "the body is larger than \(limits.maxBodyBytes) bytes")
        }
        return .length(length)
    }

    // MARK: - Body

    private mutating func nextBody() throws(HTTPParseError) -> Event? {
        switch framing {
        case nil:
            return nil
        case .length(let length):
            let available = buffer.count - start
            let needed = length - taken - body.count
            let take = min(available, needed)
            if take > 0 {
                // Room for a small body at once; a large one grows as its bytes arrive, never reserved
                // from its declared length (the connection charges what is held to the memory budget).
                if body.isEmpty && !streamsBody { body.reserveCapacity(min(length, 64 * 1024)) }
                body.append(contentsOf: buffer[start..<(start + take)])
                start += take
            }
            guard taken + body.count == length else { return nil }
            return finishBody()
        case .chunked(let state):
            return try nextChunked(state)
        }
    }

    private mutating func finishBody() -> Event {
        framing = nil
        scanned = start
        taken = 0
        streamsBody = false
        let complete = body
        body = []
        return .body(complete)
    }

    /// Chunked transfer coding (RFC 9112 §7.1); extensions are skipped, trailers read and discarded.
    private mutating func nextChunked(_ initial: ChunkState) throws(HTTPParseError) -> Event? {
        var state = initial
        defer { if framing != nil { framing = .chunked(state) } }
        while true {
            switch state {
            case .size:
                guard let lineEnd = try lineEnd(maxLength: 1_024, what: "chunk size line") else { return nil }
                let size = try parseChunkSize(start..<lineEnd)
                start = lineEnd + 2
                if size == 0 {
                    state = .trailers(count: 0, bytes: 0)
                } else {
                    guard size <= limits.maxBodyBytes - taken - body.count else {
                        throw HTTPParseError(413, "the body is larger than \(limits.maxBodyBytes) bytes")
                    }
                    state = .data(remaining: size)
                }
            case .data(let remaining):
                let take = min(remaining, buffer.count - start)
                guard take > 0 else { return nil }
                body.append(contentsOf: buffer[start..<(start + take)])
                start += take
                state = take == remaining ? .dataEnd : .data(remaining: remaining - take)
            case .dataEnd:
                guard buffer.count - start >= 2 else { return nil }
                guard buffer[start] == 0x0D && buffer[start + 1] == 0x0A else {
                    throw HTTPParseError(400, "chunk data is not followed by CRLF")
                }
                start += 2
                state = .size
            case .trailers(let count, let bytes):
                guard let lineEnd = try lineEnd(maxLength: limits.maxHeaderBytes, what: "trailer") else { return nil }
                let length = lineEnd - start
                start = lineEnd + 2
                if length == 0 { return finishBody() }
                guard count + 1 <= limits.maxHeaderCount, bytes + length <= limits.maxHeaderBytes else {
                    throw HTTPParseError(431, "too many or too large trailer fields")
                }
                state = .trailers(count: count + 1, bytes: bytes + length)
            }
        }
    }

    /// The index of the CR of the next CRLF from `start`; nil if not yet buffered. Bare LF is refused.
    private mutating func lineEnd(maxLength: Int, what: String) throws(HTTPParseError) -> Int? {
        var index = max(start, lineScanned)
        let limit = min(buffer.count, start + maxLength + 2)
        defer { lineScanned = index }
        while index < limit {
            switch buffer[index] {
            case 0x0A:
                throw HTTPParseError(400, "bare LF in a \(what)")
            case 0x0D:
                guard index + 1 < buffer.count else { return nil }  // its LF may come next: look again
                guard buffer[index + 1] == 0x0A else { throw HTTPParseError(400, "bare CR in a \(what)") }
                return index
            default:
                index += 1
            }
        }
        if buffer.count - start > maxLength + 1 {
            throw HTTPParseError(what == "trailer" ? 431 : 400, "\(what) is too long")
        }
        return nil
    }

    private func parseChunkSize(_ range: Range<Int>) throws(HTTPParseError) -> Int {
        var size = 0
        var significantDigits = 0
        var index = range.lowerBound
        while index < range.upperBound, let digit = hexValue(buffer[index]) {
            if size > 0 || digit > 0 { significantDigits += 1 }  // leading zeros carry no value
            // 8 hex digits already pass any body limit we allow; more is an overflow attempt.
            guard significantDigits <= 8 else {
                throw HTTPParseError(413, "the body is larger than \(limits.maxBodyBytes) bytes")
            }
            size = size * 16 + digit
            index += 1
        }
        guard index > range.lowerBound else { throw HTTPParseError(400, "invalid chunk size") }
        // Chunk extensions: `;name[=value]`, optionally after white space; we skip them (RFC 9112 §7.1.1).
        while index < range.upperBound && (buffer[index] == 0x20 || buffer[index] == 0x09) { index += 1 }
        if index < range.upperBound {
            guard buffer[index] == UInt8(ascii: ";") else { throw HTTPParseError(400, "invalid chunk size") }
            for byte in buffer[index..<range.upperBound] where byte < 0x20 && byte != 0x09 || byte == 0x7F {
                throw HTTPParseError(400, "invalid chunk extension")
            }
        }
        return size
    }

    private func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        default: nil
        }
    }
}
