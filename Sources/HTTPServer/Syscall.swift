#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every system call of the server goes through here: EINTR is retried, EAGAIN becomes `.wouldBlock`,
/// and errno is captured at once (before anything else can overwrite it).
package enum Syscall {
    /// The outcome of a read or write that may not block.
    enum IOResult: Equatable {
        case bytes(Int)
        case wouldBlock
        case endOfFile
    }

    /// Reads into `buffer`; `.endOfFile` when the peer closed its side.
    static func read(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> IOResult {
        while true {
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            if n > 0 { return .bytes(n) }
            if n == 0 { return .endOfFile }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            throw SocketError(call: "recv", code: code)
        }
    }

    /// Writes what the socket takes now; `MSG_NOSIGNAL` turns a closed peer into EPIPE instead of SIGPIPE.
    static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) throws(SocketError) -> IOResult {
        while true {
            let n = send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            if n >= 0 { return .bytes(n) }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            throw SocketError(call: "send", code: code)
        }
    }

    /// Waits until `fd` is ready for `events` or `milliseconds` pass (-1: forever); 1 when ready, 0 when not.
    static func poll(_ fd: Int32, for events: Int32, milliseconds: Int32) throws(SocketError) -> Int32 {
        // One descriptor on the stack: this runs once per request on a keep-alive connection, and an
        // array would be a heap allocation each time.
        var entry = pollfd(fd: fd, events: Int16(events), revents: 0)
        while true {
            let n = Glibc.poll(&entry, 1, milliseconds)
            if n >= 0 { return n }
            let code = errno
            if code == EINTR { continue }
            throw SocketError(call: "poll", code: code)
        }
    }

    /// Accepts one connection as a non-blocking, close-on-exec socket; nil when none is pending.
    static func accept(_ listener: Int32) throws(SocketError) -> (fd: Int32, peer: String)? {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        while true {
            let fd = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(listener, $0, &length) }
            }
            if fd >= 0 {
                // accept4 does not import into Swift: set non-blocking and close-on-exec by hand.
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                return (fd, describe(address))
            }
            let code = errno
            switch code {
            case EINTR: continue
            // ECONNABORTED and friends: that client is gone; the listener is fine.
            case EAGAIN, EWOULDBLOCK, ECONNABORTED, EPROTO, EPERM: return nil
            default: throw SocketError(call: "accept4", code: code)
            }
        }
    }

    /// Creates a listening TCP socket bound to `host:port` (port 0 picks a free port). `host` is a
    /// numeric IPv4 or IPv6 address (`BindAddress`); `::` takes IPv4 clients too (dual stack).
    static func listen(host: String, port: UInt16, backlog: Int32) throws(SocketError) -> (fd: Int32, port: UInt16) {
        guard let bindAddress = BindAddress(host) else { throw SocketError(call: "inet_pton(\(host))", code: EINVAL) }
        let family = bindAddress.family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(
            family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(call: "socket", code: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if bindAddress.family == .ipv6 {
            // Dual stack whatever net.ipv6.bindv6only says: `::` means every address, IPv4 ones included.
            var zero: Int32 = 0
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &zero, socklen_t(MemoryLayout<Int32>.size))
        }
        var (address, length) = bindAddress.socketAddress(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw SocketError(call: "bind", code: code)
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let code = errno
            close(fd)
            throw SocketError(call: "listen", code: code)
        }
        length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        // sin_port and sin6_port sit at the same offset, right after the family.
        let boundPort = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port }
        }
        return (fd, UInt16(bigEndian: boundPort))
    }

    /// Small writes go out at once: responses are written whole, so Nagle's delay only adds latency.
    static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// A pipe whose read end becomes (and stays) readable once signalled: wakes every poller at once.
    /// Returns (read end, write end).
    static func makeEvent() throws(SocketError) -> (Int32, Int32) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw SocketError(call: "pipe", code: errno) }
        for fd in ends {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        return (ends[0], ends[1])
    }

    /// Makes the event's read end readable; nobody ever reads it, so it stays that way.
    static func signal(event writeEnd: Int32) {
        var one: UInt8 = 1
        _ = Glibc.write(writeEnd, &one, 1)
    }

    static func shutdownBoth(_ fd: Int32) { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
    static func shutdownWrite(_ fd: Int32) { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }
    static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    /// Raises the soft limit of open files to the hard limit (each connection takes one descriptor, and a
    /// default soft limit of 1,024 would be reached long before memory is) and returns the limit in force.
    @discardableResult
    static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1_024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = raised.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        // RLIM_INFINITY (or anything past what an Int holds) stands for "no limit": the kernel's own
        // cap per process (fs.nr_open) is about a million.
        return limit.rlim_cur >= UInt(Int32.max) ? 1 << 20 : Int(limit.rlim_cur)
    }

    /// Ignores SIGPIPE process-wide: a peer that vanishes must never kill the server.
    package static func ignoreSIGPIPE() { _ = Glibc.signal(SIGPIPE, SIG_IGN) }

    static func describe(errno code: Int32) -> String { String(cString: strerror(code)) }

    /// Monotonic milliseconds, for deadlines.
    static func nowMilliseconds() -> Int64 {
        nowNanoseconds() / 1_000_000
    }

    /// Monotonic nanoseconds, for request durations (milliseconds are too coarse for a histogram of
    /// sub-millisecond requests).
    static func nowNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    private static func cString(_ text: [CChar]) -> String {
        String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func describe(_ address: sockaddr_storage) -> String {
        var address = address
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(address.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    var addr = pointer.pointee.sin_addr
                    inet_ntop(AF_INET, &addr, &text, socklen_t(text.count))
                    return cString(text)
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    var addr = pointer.pointee.sin6_addr
                    // An IPv4 client of a dual-stack listener (`::ffff:a.b.c.d`) is named as itself, so
                    // logs and the per-client cap see one address per client whatever the listener.
                    let bytes = withUnsafeBytes(of: addr) { Array($0) }
                    if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
                        return bytes[12...].map(String.init).joined(separator: ".")
                    }
                    inet_ntop(AF_INET6, &addr, &text, socklen_t(text.count))
                    return cString(text)
                }
            }
        default:
            return "unknown"
        }
    }
}
