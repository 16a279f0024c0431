#if canImport(Glibc)
    import Glibc
#endif

/// Graceful close: stop sending, then read and discard what the client still sends for a moment, so
/// the kernel does not answer unread bytes with a reset that destroys our last response in flight
/// (RFC 9112 §9.6). Bounded in time and bytes; the caller still closes the socket.
enum Lingering {
    static func drain(_ fd: Int32, buffer: inout [UInt8], milliseconds: Int, maxBytes: Int = 1 << 20) {
        Syscall.shutdownWrite(fd)
        var discarded = 0
        readUntil(fd, buffer: &buffer, milliseconds: milliseconds) { bytes in
            discarded += bytes.count
            return discarded < maxBytes
        }
    }

    /// Waits up to `milliseconds` for the end of a request head (CRLFCRLF) or `maxBytes`, discarding it:
    /// a refused client gets its answer after it finished sending, not in the middle.
    static func skipHead(_ fd: Int32, buffer: inout [UInt8], milliseconds: Int, maxBytes: Int = 64 * 1024) {
        var seen: [UInt8] = []
        readUntil(fd, buffer: &buffer, milliseconds: milliseconds) { bytes in
            seen.append(contentsOf: bytes)
            return seen.count < maxBytes && !containsHeadEnd(seen)
        }
    }

    /// Reads into `buffer` until the peer closes, the time is up, or `more` (given the bytes just read)
    /// says stop.
    private static func readUntil(
        _ fd: Int32, buffer: inout [UInt8], milliseconds: Int, _ more: (ArraySlice<UInt8>) -> Bool
    ) {
        let deadline = Syscall.nowMilliseconds() + Int64(milliseconds)
        while true {
            guard let outcome = try? buffer.withUnsafeMutableBytes({ raw in try Syscall.read(fd, raw) }) else { return }
            switch outcome {
            case .bytes(let count):
                if !more(buffer[0..<count]) { return }
            case .endOfFile:
                return
            case .wouldBlock:
                let remaining = deadline - Syscall.nowMilliseconds()
                if remaining <= 0 { return }
                var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
                if (try? Syscall.poll(&fds, milliseconds: Int32(remaining))) ?? 0 == 0 { return }
            }
        }
    }

    private static func containsHeadEnd(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 0x0D && bytes[index + 1] == 0x0A && bytes[index + 2] == 0x0D && bytes[index + 3] == 0x0A {
            return true
        }
        return false
    }
}
