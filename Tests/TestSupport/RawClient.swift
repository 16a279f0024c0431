import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking TCP client that sends exact bytes and reads raw responses: for what URLSession and curl
/// would never send (pipelining, broken framing, slow writes), and to see exactly what a server put on
/// the wire. Shared by the end-to-end and the fake-provider tests.
package final class RawClient {
    package let fd: Int32
    private var buffer: [UInt8] = []
    /// Set once a read saw the peer's close (end of file) or reset; a timeout leaves it false.
    package private(set) var peerClosed = false

    package struct Failed: Error, CustomStringConvertible { package let description: String }

    /// Connects to `host:port` (a numeric IPv4 or IPv6 address); from the local address `source` when
    /// given (e.g. `127.0.0.2`, to be another client of a server on loopback). A refused connect throws
    /// `ConnectFailed` with its errno. `receiveBufferBytes` sets SO_RCVBUF before the connect, so the
    /// window offered in the handshake is already that small (shrunk afterwards, the kernel drops what
    /// the larger window let in and the sender backs off retransmitting: a stall of seconds).
    package init(
        port: UInt16, host: String = "127.0.0.1", source: String? = nil, receiveTimeoutSeconds: Int = 10,
        receiveBufferBytes: Int32? = nil
    ) throws {
        let isIPv6 = host.contains(":")
        fd = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failed(description: "socket") }
        if var size = receiveBufferBytes {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        if let source {
            guard let (local, length) = RawClient.address(source, port: 0, ipv6: isIPv6) else {
                close(fd)
                throw Failed(description: "bad source address \(source)")
            }
            let bound = withUnsafePointer(to: local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
            }
            guard bound == 0 else {
                let code = errno
                close(fd)
                throw Failed(description: "bind to \(source) failed: errno \(code)")
            }
        }
        guard let (address, length) = RawClient.address(host, port: port, ipv6: isIPv6) else {
            close(fd)
            throw Failed(description: "bad address \(host)")
        }
        let connected = withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw ConnectFailed(code: code)
        }
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// A connect that failed, with its errno (`ECONNREFUSED` when nothing listens there).
    package struct ConnectFailed: Error, CustomStringConvertible {
        package let code: Int32
        package var description: String { "connect failed: errno \(code)" }
    }

    /// A socket address for a numeric IPv4 or IPv6 address.
    private static func address(_ text: String, port: UInt16, ipv6: Bool) -> (sockaddr_storage, socklen_t)? {
        var storage = sockaddr_storage()
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, text, &address.sin6_addr) == 1 else { return nil }
            withUnsafeMutableBytes(of: &storage) { target in
                withUnsafeBytes(of: &address) { target.copyMemory(from: $0) }
            }
            return (storage, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, text, &address.sin_addr) == 1 else { return nil }
        withUnsafeMutableBytes(of: &storage) { target in
            withUnsafeBytes(of: &address) { target.copyMemory(from: $0) }
        }
        return (storage, socklen_t(MemoryLayout<sockaddr_in>.size))
    }

    package func send(_ text: String) throws { try send(Array(text.utf8)) }

    package func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failed(description: "send failed: errno \(errno)") }
            offset += n
        }
    }

    /// Reads until `count` bytes are buffered, the peer closes, or the receive timeout passes.
    @discardableResult
    private func fill(atLeast count: Int) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while buffer.count < count {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 || (n < 0 && errno == ECONNRESET) { peerClosed = true }
            if n <= 0 { return false }
            buffer.append(contentsOf: chunk[0..<n])
        }
        return true
    }

    /// Reads one response: status, lower-cased headers, de-chunked body. `headOnly` for HEAD requests.
    package func readResponse(headOnly: Bool = false) throws -> RawResponse {
        var found = findHeadEnd()
        while found == nil {
            if !fill(atLeast: buffer.count + 1) {
                throw Failed(
                    description: "connection closed or timed out before a response head (\(buffer.count) bytes)")
            }
            found = findHeadEnd()
        }
        guard let headEnd = found else { throw Failed(description: "no response head") }
        let head = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw Failed(description: "bad status line \(statusLine)")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        var body: [UInt8] = []
        if headOnly || status == 204 || status == 304 || status < 200 {
            return RawResponse(status: status, headers: headers, body: [])
        }
        if let length = headers["content-length"].flatMap(Int.init) {
            fill(atLeast: length)
            guard buffer.count >= length else { throw Failed(description: "short body") }
            body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        } else if headers["transfer-encoding"] == "chunked" {
            while true {
                guard let lineEnd = findCRLF() else {
                    guard fill(atLeast: buffer.count + 1) else {
                        throw Failed(description: "chunked body cut off (\(peerClosed ? "closed by the peer" : "receive timeout"))")
                    }
                    continue
                }
                let size = Int(String(decoding: buffer[0..<lineEnd], as: UTF8.self), radix: 16) ?? -1
                guard size >= 0 else { throw Failed(description: "bad chunk size") }
                guard fill(atLeast: lineEnd + 2 + size + 2) else {
                    throw Failed(description: "chunked body cut off (\(peerClosed ? "closed by the peer" : "receive timeout"))")
                }
                body.append(contentsOf: buffer[(lineEnd + 2)..<(lineEnd + 2 + size)])
                buffer.removeFirst(lineEnd + 2 + size + 2)
                if size == 0 { break }
            }
        } else {
            // Body until close (HTTP/1.0 style).
            while fill(atLeast: buffer.count + 1) {}
            body = buffer
            buffer = []
        }
        return RawResponse(status: status, headers: headers, body: body)
    }

    /// How one exchange ended: a whole response; the connection closed before any byte of one arrived;
    /// or anything else (a cut-off or malformed response, a timeout), which a server must never produce.
    package enum Outcome {
        case response(RawResponse)
        case closedBeforeResponse
        case broken(String)
    }

    /// Reads the next response and says how the exchange ended (see `Outcome`).
    package func readOutcome() -> Outcome {
        do {
            return .response(try readResponse())
        } catch {
            if buffer.isEmpty && peerClosed { return .closedBeforeResponse }
            return .broken("\(error) (\(buffer.count) bytes buffered, peer closed: \(peerClosed))")
        }
    }

    /// Reads until `count` bytes arrived (they are discarded) or the peer closed or the time ran out;
    /// returns how many arrived.
    @discardableResult
    package func receive(atLeast count: Int) -> Int {
        fill(atLeast: count)
        let received = buffer.count
        buffer = []
        return received
    }

    /// Makes the coming close a reset (RST) instead of an orderly FIN: SO_LINGER with a zero timeout.
    package func resetOnClose() {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }

    /// True when the server closed the connection (reads EOF) within the receive timeout.
    package func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, 0)
        if n > 0 { buffer.append(byte) }
        return n == 0 || (n < 0 && errno == ECONNRESET)
    }

    /// Everything until the peer closes (or the receive timeout passes), raw.
    package func readAll() -> [UInt8] {
        while fill(atLeast: buffer.count + 1) {}
        defer { buffer = [] }
        return buffer
    }

    /// Bytes already received and not yet consumed, plus whatever arrives within `waitMilliseconds`.
    package func peek(waitMilliseconds: Int32) -> [UInt8] {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        if poll(&fds, 1, waitMilliseconds) > 0 { fill(atLeast: buffer.count + 1) }
        return buffer
    }

    private func findHeadEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    private func findCRLF() -> Int? {
        guard buffer.count >= 2 else { return nil }
        for index in 0...(buffer.count - 2) where buffer[index] == 13 && buffer[index + 1] == 10 { return index }
        return nil
    }
}

/// A response as the raw client read it.
package struct RawResponse {
    package let status: Int
    package let headers: [String: String]
    package let body: [UInt8]

    package var text: String { String(decoding: body, as: UTF8.self) }

    package var json: Any? { try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) }
}

/// Builds request bytes.
package enum Request {
    package static func post(_ body: String, path: String = "/", headers: [String] = []) -> String {
        var lines = [
            "POST \(path) HTTP/1.1", "Host: test", "Content-Type: application/json",
            "Content-Length: \(body.utf8.count)",
        ]
        lines += headers
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    package static func get(_ path: String, headers: [String] = []) -> String {
        (["GET \(path) HTTP/1.1", "Host: test"] + headers).joined(separator: "\r\n") + "\r\n\r\n"
    }
}
