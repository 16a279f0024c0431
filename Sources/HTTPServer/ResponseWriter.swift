#if canImport(Glibc)
    import Glibc
#endif

/// Writes responses to one socket: the head, then the body framed by Content-Length, chunked coding,
/// or (for HTTP/1.0 streams) the connection's close. Blocks with a timeout when the socket is full.
final class ResponseWriter: BodySink {
    private let fd: Int32
    private let writeTimeoutMilliseconds: Int
    private var pending: [UInt8] = []
    private var chunked = false
    /// Body bytes written (before framing).
    private(set) var bodyBytes = 0
    /// Buffered bytes beyond this are sent as one chunk.
    private static let flushThreshold = 64 * 1024
    /// The last `Date` this connection sent: a busy keep-alive connection answers many requests a
    /// second, and each asking HTTPDate's shared cache would have every worker take its one lock.
    private var date: (second: Int, text: String) = (-1, "")

    init(fd: Int32, writeTimeoutMilliseconds: Int) {
        self.fd = fd
        self.writeTimeoutMilliseconds = writeTimeoutMilliseconds
        pending.reserveCapacity(4 * 1024)
    }

    /// Sends `100 Continue` (RFC 9110 §10.1.1).
    func writeContinue() throws {
        pending.append(contentsOf: Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        try flush()
    }

    /// Writes a whole response. `headOnly` for HEAD requests: headers as for GET, no body.
    func write(_ response: HTTPResponse, version: HTTPVersion, keepAlive: Bool, headOnly: Bool) throws {
        bodyBytes = 0
        (windowStart, windowBytes) = (0, 0)
        var headers = response.headers
        let declaredLength = headers["content-length"].flatMap { Int($0) }
        headers.remove("content-length")
        headers.remove("transfer-encoding")
        headers.remove("connection")
        let second = time(nil)
        if date.second != second { date = (second, HTTPDate.now()) }
        headers.set("Date", date.text)
        if !keepAlive {
            headers.set("Connection", "close")
        } else if version == .http10 {
            headers.set("Connection", "keep-alive")
        }
        let noBody = response.status == 204 || response.status == 304 || response.status < 200
        switch response.body {
        case .bytes(let bytes):
            if !noBody { headers.set("Content-Length", String(bytes.count)) }
            writeHead(response.status, headers)
            if !headOnly && !noBody {
                try appendBody(bytes)
            }
            try flush()
        case .stream(let produce):
            // A stream that declares its length is framed by it. Otherwise chunked; HTTP/1.0 has no chunked
            // coding, so its body ends when the connection closes.
            chunked = version == .http11 && declaredLength == nil
            if let declaredLength, !noBody { headers.set("Content-Length", String(declaredLength)) }
            if chunked { headers.set("Transfer-Encoding", "chunked") }
            writeHead(response.status, headers)
            if headOnly || noBody {
                chunked = false
                try flush()
                return
            }
            do {
                try produce(self)
            } catch {
                // With a declared length, what was produced goes out before the close, so the client sees
                // a body shorter than announced (RFC 9112 §6.3: an incomplete message), as after a real
                // network failure. A chunked stream that fails sends nothing more (not even its head, when
                // it failed before its first chunk).
                if declaredLength != nil { try? flush() }
                throw error
            }
            if let declaredLength, bodyBytes != declaredLength {
                try? flush()
                throw SocketError(call: "stream of \(declaredLength) bytes produced \(bodyBytes)", code: EPROTO)
            }
            if chunked {
                try flushChunk()
                pending.append(contentsOf: [0x30, 0x0D, 0x0A, 0x0D, 0x0A])  // last-chunk CRLF
                chunked = false
            }
            try flush()
        }
    }

    // BodySink, used by streamed bodies.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        bodyBytes += bytes.count
        if chunked {
            chunkBuffer.append(contentsOf: bytes)
            if chunkBuffer.count >= Self.flushThreshold { try flushChunk() }
        } else {
            pending.append(contentsOf: bytes)
            if pending.count >= Self.flushThreshold { try flush() }
        }
    }

    private var chunkBuffer: [UInt8] = []

    private func flushChunk() throws {
        guard !chunkBuffer.isEmpty else { return }
        pending.append(contentsOf: Array(String(chunkBuffer.count, radix: 16).utf8))
        pending.append(contentsOf: [0x0D, 0x0A])
        pending.append(contentsOf: chunkBuffer)
        pending.append(contentsOf: [0x0D, 0x0A])
        chunkBuffer.removeAll(keepingCapacity: true)
        try flush()
    }

    private func appendBody(_ bytes: [UInt8]) throws {
        bodyBytes += bytes.count
        if pending.count + bytes.count <= Self.flushThreshold {
            pending.append(contentsOf: bytes)
            return
        }
        // Large bodies are written from their own storage instead of being copied behind the head.
        try flush()
        try bytes.withUnsafeBytes { raw in try send(raw) }
    }

    private func writeHead(_ status: Int, _ headers: HTTPHeaders) {
        // Byte by byte into `pending`, with no String or Array built per header: this runs for every
        // response (docs/contract.md §4's small-ingest load).
        pending.append(contentsOf: "HTTP/1.1 ".utf8)
        pending.append(contentsOf: String(status).utf8)
        pending.append(0x20)
        pending.append(contentsOf: HTTPStatus.reason(status).utf8)
        pending.append(contentsOf: [0x0D, 0x0A])
        for (name, value) in headers {
            HTTPDate.appendCanonicalName(name, to: &pending)
            pending.append(contentsOf: [0x3A, 0x20])
            // Header values come from our own code, but a CR or LF must never split a response.
            for byte in value.utf8 where byte != 0x0D && byte != 0x0A { pending.append(byte) }
            pending.append(contentsOf: [0x0D, 0x0A])
        }
        pending.append(contentsOf: [0x0D, 0x0A])
    }

    /// Gives back the memory of buffers grown by past responses (a connection about to wait between requests).
    func releaseBuffers() {
        if pending.isEmpty && pending.capacity > 4 * 1024 { pending = [] }
        if chunkBuffer.isEmpty && chunkBuffer.capacity > 0 { chunkBuffer = [] }
    }

    /// Sends everything buffered.
    func flush() throws {
        guard !pending.isEmpty else { return }
        try pending.withUnsafeBytes { raw in try send(raw) }
        pending.removeAll(keepingCapacity: pending.capacity <= 256 * 1024)
    }

    /// A reader must take at least this many bytes within each write timeout, or it is dropped: a client
    /// reading one byte a second (a slow-read attack) must not hold a worker for the length of a large
    /// answer (docs/contract.md §3).
    static let minimumBytesPerWriteTimeout = 16 * 1024
    /// When the current window began (monotonic ms; 0: no write under way) and what it sent so far.
    private var windowStart: Int64 = 0
    private var windowBytes = 0

    private func send(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            switch try Syscall.write(fd, UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
            case .bytes(let n):
                offset += n
                windowBytes += n
                if windowBytes >= Self.minimumBytesPerWriteTimeout { (windowStart, windowBytes) = (0, 0) }
            case .endOfFile: throw SocketError(call: "send", code: EPIPE)
            case .wouldBlock:
                let now = Syscall.nowMilliseconds()
                if windowStart == 0 { windowStart = now }
                let remaining = windowStart + Int64(writeTimeoutMilliseconds) - now
                if try remaining <= 0 || Syscall.poll(fd, for: POLLOUT, milliseconds: Int32(remaining)) == 0 {
                    throw SocketError(
                        call: "send (client took less than \(Self.minimumBytesPerWriteTimeout) bytes in \(writeTimeoutMilliseconds) ms)",
                        code: ETIMEDOUT)
                }
            }
        }
    }
}
