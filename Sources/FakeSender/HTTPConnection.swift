import HTTPServer

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking HTTP/1.1 client connection on a plain socket, kept alive between requests: enough for the
/// sender's POSTs (Content-Length or chunked answers), no Foundation. Every read and write is bounded by
/// the socket timeouts, so a stalled server fails a request instead of hanging the sender.
final class HTTPConnection {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    struct Response {
        let status: Int
        let body: [UInt8]
    }

    private let address: BindAddress
    private let port: UInt16
    private let timeoutSeconds: Int
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    /// Requests answered on the current socket: a failure on a reused one is retried once on a new one.
    private var answered = 0

    init(address: BindAddress, port: UInt16, timeoutSeconds: Int) {
        self.address = address
        self.port = port
        self.timeoutSeconds = timeoutSeconds
    }

    deinit { disconnect() }

    /// Sends `request` (complete bytes) and reads its answer. A keep-alive socket the server closed
    /// meanwhile (nothing read yet) is reopened and the request sent again, as HTTP clients do;
    /// `retried` says so.
    func exchange(_ request: [UInt8]) throws(Failure) -> (response: Response, retried: Bool) {
        switch attempt(request) {
        case .answered(let response): return (response, false)
        case .failed(let reason): throw Failure(description: reason)
        case .stale:
            switch attempt(request) {
            case .answered(let response): return (response, true)
            case .failed(let reason), .stale(let reason): throw Failure(description: reason)
            }
        }
    }

    private enum Attempt {
        case answered(Response)
        /// A reused socket failed before any byte of the answer: worth one more try on a new one.
        case stale(String)
        case failed(String)
    }

    private func attempt(_ request: [UInt8]) -> Attempt {
        if fd < 0 {
            do { try connect() } catch { return .failed(error.description) }
        }
        let reused = answered > 0
        do {
            try write(request)
            let response = try readResponse()
            answered += 1
            return .answered(response)
        } catch {
            disconnect()
            return reused && error.nothingRead ? .stale(error.description) : .failed(error.description)
        }
    }

    private func connect() throws(Failure) {
        fd = socket(address.domain, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var wait = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        guard address.connect(fd, port: port) == 0 else {
            let code = errno
            disconnect()
            throw Failure(description: "connect to \(address.urlHost):\(port): errno \(code)")
        }
        answered = 0
        buffer.removeAll(keepingCapacity: true)
    }

    private func disconnect() {
        if fd >= 0 { close(fd) }
        fd = -1
        buffer.removeAll(keepingCapacity: true)
    }

    /// Why one exchange failed; `nothingRead` when the server sent no byte of an answer.
    private struct ExchangeError: Error, CustomStringConvertible {
        let description: String
        let nothingRead: Bool
    }

    private func write(_ bytes: [UInt8]) throws(ExchangeError) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw ExchangeError(description: "send: errno \(errno)", nothingRead: true) }
            sent += count
        }
    }

    /// Reads more bytes into the buffer; false at the peer's end of stream.
    private func fill() throws(ExchangeError) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                return true
            }
            if count == 0 { return false }
            if errno == EINTR { continue }
            let timedOut = errno == EAGAIN || errno == EWOULDBLOCK
            throw ExchangeError(
                description: timedOut ? "no answer within \(timeoutSeconds) s" : "recv: errno \(errno)",
                nothingRead: buffer.isEmpty && !timedOut)
        }
    }

    private func readResponse() throws(ExchangeError) -> Response {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = buffer.firstRange(of: separator)?.upperBound
            if headEnd == nil {
                let wasEmpty = buffer.isEmpty
                guard try fill() else {
                    throw ExchangeError(description: "the server closed the connection", nothingRead: wasEmpty)
                }
            }
        }
        guard let headEnd else { throw ExchangeError(description: "unreachable", nothingRead: false) }
        let head = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw ExchangeError(description: "not an HTTP status line: \(lines.first ?? "")", nothingRead: false)
        }
        var length: Int?
        var chunked = false
        var closes = false
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingPrefix(" ").lowercased()
            switch name {
            case "content-length": length = Int(value)
            case "transfer-encoding": chunked = value.contains("chunked")
            case "connection": closes = value.contains("close")
            default: break
            }
        }
        buffer.removeFirst(headEnd)
        let body = chunked ? try readChunked() : try readExactly(length ?? 0)
        if closes { disconnect() }
        return Response(status: status, body: body)
    }

    private func readExactly(_ count: Int) throws(ExchangeError) -> [UInt8] {
        while buffer.count < count {
            guard try fill() else { throw ExchangeError(description: "the answer was cut short", nothingRead: false) }
        }
        let body = Array(buffer[0..<count])
        buffer.removeFirst(count)
        return body
    }

    private func readLine() throws(ExchangeError) -> String {
        let crlf: [UInt8] = [13, 10]
        while true {
            if let range = buffer.firstRange(of: crlf) {
                let line = String(decoding: buffer[0..<range.lowerBound], as: UTF8.self)
                buffer.removeFirst(range.upperBound)
                return line
            }
            guard try fill() else { throw ExchangeError(description: "the answer was cut short", nothingRead: false) }
        }
    }

    private func readChunked() throws(ExchangeError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeText = try readLine().split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingPrefix(" "), radix: 16) else {
                throw ExchangeError(description: "bad chunk size \(sizeText.prefix(20))", nothingRead: false)
            }
            if size == 0 {
                while try !readLine().isEmpty {}  // trailers
                return body
            }
            body += try readExactly(size)
            _ = try readLine()
        }
    }
}
