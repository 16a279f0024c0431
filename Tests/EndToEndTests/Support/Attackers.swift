import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Hostile clients for the attack tests (issue 15 item 5), on raw sockets bound to loopback addresses
/// other than 127.0.0.1 (127.0.0.2 …): the legit client keeps 127.0.0.1, and each source address has
/// its own ~28,000 ephemeral ports. Every socket is closed when its `Attackers` is deinitialised.
final class Attackers {
    private(set) var sockets: [Int32] = []
    private let port: UInt16
    /// Sources used round-robin: 127.0.0.2 … 127.0.0.(1 + sourceCount).
    private let sourceCount = 8
    private var nextSource = 0

    init(port: UInt16) {
        self.port = port
        Attackers.raiseOpenFileLimit()
    }

    deinit { closeAll() }

    func closeAll() {
        for fd in sockets { close(fd) }
        sockets = []
    }

    /// Opens `count` connections; the number that could be opened.
    @discardableResult
    func open(_ count: Int) -> Int {
        var opened = 0
        for _ in 0..<count {
            guard let fd = connectOne() else { continue }
            sockets.append(fd)
            opened += 1
        }
        return opened
    }

    /// Sends `bytes` on every connection (best effort: a closed one is skipped).
    func sendAll(_ bytes: String) {
        for fd in sockets { Attackers.send(fd, bytes) }
    }

    /// Reads one response head (or anything) from every connection, waiting at most `seconds` in all;
    /// how many connections answered with a status line starting `prefix` (e.g. "HTTP/1.1 200").
    func readAnswers(prefix: String, seconds: Double) -> Int {
        var answered = Set<Int32>()
        var seen: [Int32: [UInt8]] = [:]
        let deadline = Date().addingTimeInterval(seconds)
        var pending = Set(sockets)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !pending.isEmpty && Date() < deadline {
            var fds = pending.prefix(4096).map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&fds, nfds_t(fds.count), 100) > 0 else { continue }
            for entry in fds where entry.revents != 0 {
                let n = recv(entry.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if n > 0 {
                    seen[entry.fd, default: []].append(contentsOf: buffer[0..<n])
                    if (seen[entry.fd] ?? []).count >= prefix.utf8.count { pending.remove(entry.fd) }
                } else {
                    pending.remove(entry.fd)
                }
            }
        }
        for (fd, bytes) in seen where bytes.starts(with: Array(prefix.utf8)) { answered.insert(fd) }
        return answered.count
    }

    /// Connections the server closed (EOF or reset) by now, without waiting.
    func closedByServer() -> Int {
        var closed = 0
        var byte: UInt8 = 0
        for fd in sockets {
            let n = recv(fd, &byte, 1, Int32(MSG_DONTWAIT) | Int32(MSG_PEEK))
            if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { closed += 1 }
        }
        return closed
    }

    /// Replaces every connection the server closed with a new one that sends `bytes` (slowloris reconnecting).
    @discardableResult
    func reconnectClosed(sending bytes: String) -> Int {
        var byte: UInt8 = 0
        var replaced = 0
        for index in sockets.indices {
            var n = recv(sockets[index], &byte, 1, Int32(MSG_DONTWAIT))
            while n > 0 { n = recv(sockets[index], &byte, 1, Int32(MSG_DONTWAIT)) }  // a 408 or 503: read
            guard n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) else { continue }
            close(sockets[index])
            guard let fd = connectOne() else { continue }
            sockets[index] = fd
            Attackers.send(fd, bytes)
            replaced += 1
        }
        return replaced
    }

    private func connectOne() -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var source = sockaddr_in()
        source.sin_family = sa_family_t(AF_INET)
        source.sin_addr.s_addr = inet_addr("127.0.0.\(2 + nextSource % sourceCount)")
        nextSource += 1
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = port.bigEndian
        target.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &source) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    static func send(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
    }

    static func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    /// Descriptors this process may still open (for sizing a test to the machine).
    static var openFileLimit: Int {
        raiseOpenFileLimit()
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return limit.rlim_cur > UInt(Int32.max) ? Int(Int32.max) : Int(limit.rlim_cur)
    }
}

/// The legit client during an attack: requests from 127.0.0.1 on fresh connections, one after another,
/// each bounded by a timeout; what succeeded (2xx) and how long each took.
final class LegitClient: @unchecked Sendable {
    // @unchecked Sendable: `results` is written by the client's thread and read after `stop()` joined it.
    private let port: UInt16
    private let stopFlag = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)
    private var results: [(ok: Bool, seconds: Double, detail: String)] = []

    struct Summary: CustomStringConvertible {
        var total: Int
        var succeeded: Int
        var p99: Double
        var failures: [String]

        var description: String {
            "legit \(succeeded)/\(total) ok, p99 \(Int(p99 * 1_000)) ms"
                + (failures.isEmpty ? "" : ", failures: \(failures.prefix(5).joined(separator: "; "))")
        }
    }

    /// Starts sending, alternating `GET /healthz` and a one-order `POST /`, `perSecond` at most.
    init(port: UInt16, perSecond: Double = 50) {
        self.port = port
        Thread.detachNewThread { [self] in
            var number = 0
            while !stopFlag.load(ordering: .relaxed) {
                let began = Date()
                results.append(exchange(number))
                number += 1
                let pause = 1 / perSecond - Date().timeIntervalSince(began)
                if pause > 0 { usleep(UInt32(pause * 1_000_000)) }
            }
            done.signal()
        }
    }

    /// Stops after the request under way and sums up.
    func stop() -> Summary {
        stopFlag.store(true, ordering: .relaxed)
        done.wait()
        let sorted = results.map(\.seconds).sorted()
        let p99 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
        return Summary(
            total: results.count, succeeded: results.filter(\.ok).count, p99: p99,
            failures: results.filter { !$0.ok }.map(\.detail))
    }

    private func exchange(_ number: Int) -> (ok: Bool, seconds: Double, detail: String) {
        let began = Date()
        do {
            let client = try RawClient(port: port, receiveTimeoutSeconds: 10)
            if number % 2 == 0 {
                try client.send(Request.get("/healthz"))
            } else {
                try client.send(Request.post(Orders.batch(["legit-\(number)"])))
            }
            let status = try client.readResponse().status
            return ((200..<300).contains(status), Date().timeIntervalSince(began), "status \(status)")
        } catch {
            return (false, Date().timeIntervalSince(began), "\(error)")
        }
    }
}
