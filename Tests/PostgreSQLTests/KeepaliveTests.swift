import Foundation
import PostgreSQL
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The TCP defaults every connection gets (PGConnection+Network.swift): present when the connection
/// string leaves them out, the string's own values when it sets them, and a connection whose peer
/// goes silent failing within a bounded time instead of waiting forever.
@Suite struct KeepaliveTests {
    /// What libpq holds (PQconninfo) and what the kernel applied to the socket (getsockopt) agree.
    @Test func defaultsAreAppliedWhenTheURLLeavesThemOut() throws {
        let connection = try PGConnection(conninfo: try PostgresCluster.shared().makeDatabase())
        let options = connection.options
        #expect(options["connect_timeout"] == "10")
        #expect(options["keepalives"] == "1")
        #expect(options["keepalives_idle"] == "10")
        #expect(options["keepalives_interval"] == "5")
        #expect(options["keepalives_count"] == "3")
        #expect(options["tcp_user_timeout"] == "30000")
        let socket = try SocketOptions(connection)
        #expect(socket.keepalive == 1)
        #expect(socket.idle == 10)
        #expect(socket.interval == 5)
        #expect(socket.count == 3)
        #expect(socket.userTimeout == 30_000)
        #expect(try connection.query("SELECT 1").int64(0, 0) == 1)
    }

    @Test func theURLsOwnValuesWin() throws {
        let url = try PostgresCluster.shared().makeDatabase()
        let connection = try PGConnection(
            conninfo: url + "?connect_timeout=4&keepalives_idle=60&keepalives_count=7&tcp_user_timeout=12345")
        let options = connection.options
        #expect(options["connect_timeout"] == "4")
        #expect(options["keepalives_idle"] == "60")
        #expect(options["keepalives_count"] == "7")
        #expect(options["tcp_user_timeout"] == "12345")
        // What the URL leaves out still gets the default.
        #expect(options["keepalives"] == "1")
        #expect(options["keepalives_interval"] == "5")
        let socket = try SocketOptions(connection)
        #expect(socket.idle == 60)
        #expect(socket.count == 7)
        #expect(socket.interval == 5)
        #expect(socket.userTimeout == 12_345)
    }

    /// A key=value string may turn them off; the password is never among the options read back.
    @Test func aKeyValueStringMayTurnThemOff() throws {
        let cluster = try PostgresCluster.shared()
        let url = try cluster.makeDatabase()
        let database = try #require(url.split(separator: "/").last.map(String.init))
        let connection = try PGConnection(
            conninfo: "host=127.0.0.1 port=\(cluster.port) dbname=\(database) user=\(cluster.passwordUser) "
                + "password=\(cluster.password) keepalives=0 tcp_user_timeout=0")
        let options = connection.options
        #expect(options["keepalives"] == "0")
        #expect(options["tcp_user_timeout"] == "0")
        #expect(options["password"] == nil)
        #expect(!options.values.contains(cluster.password))
        let socket = try SocketOptions(connection)
        #expect(socket.keepalive == 0)
        #expect(socket.userTimeout == 0)
    }

    /// libpq ignores the TCP options on a unix-domain socket: the connection works all the same.
    @Test func aUnixSocketConnectsWithTheDefaults() throws {
        let cluster = try PostgresCluster.shared()
        guard let socketDirectory = cluster.socketDirectory else { return }  // an external server
        let url = try cluster.makeDatabase()
        let database = try #require(url.split(separator: "/").last.map(String.init))
        let connection = try PGConnection(
            conninfo: "host=\(socketDirectory) port=\(cluster.port) dbname=\(database) user=postgres")
        #expect(try connection.query("SELECT 1").int64(0, 0) == 1)
        #expect(connection.options["tcp_user_timeout"] == "30000")
        // No client address: the session really runs over the socket, not TCP.
        #expect(try connection.query("SELECT inet_client_addr() IS NULL").bool(0, 0) == true)
    }

    /// A proxy between libpq and the server forwards the start-up and a first query, then stops
    /// forwarding and stops reading. A statement then has nowhere to go: its bytes fill the proxy's
    /// small receive buffer, the window closes, and only tcp_user_timeout (2 s in this URL) ends the
    /// wait, as a connection error. The test's own wait is bounded: after 30 s it fails and closes the
    /// proxy, which frees the query.
    ///
    /// Bytes a kernel acknowledged are out of the timeout's reach, so the statement is large (16 MB,
    /// as a big group commit's parameter can be); a small one, acknowledged by the proxy's kernel,
    /// then waits for its answer, which only keepalive probes that go unanswered end (a real
    /// partition); the proxy's kernel answers them, so this test cannot show that part.
    @Test func aBlackHoledConnectionFailsWithinTheUserTimeout() throws {
        let cluster = try PostgresCluster.shared()
        let url = try cluster.makeDatabase()
        let database = try #require(url.split(separator: "/").last.map(String.init))
        let proxy = try BlackHoleProxy(targetPort: cluster.port)
        defer { proxy.close() }
        let connection = try PGConnection(
            conninfo: "postgresql://postgres@127.0.0.1:\(proxy.port)/\(database)"
                + "?tcp_user_timeout=2000&keepalives_idle=1&keepalives_interval=1")
        #expect(try connection.query("SELECT 1").int64(0, 0) == 1)

        proxy.blackHole()
        let outcome = try runBounded(seconds: 30, proxy: proxy) { () throws(PostgresError) -> PGResult in
            try connection.query("SELECT length($1)", [.text(String(repeating: "x", count: 16 << 20))])
        }
        let error = try #require(outcome.error, "the query succeeded through a black hole: \(outcome)")
        #expect(!outcome.timedOut, "no error within 30 s: the connection waited on the dead network")
        #expect(error.kind == .connectionUnavailable, "\(error)")
        // Not a reset or an EOF: those end the wait at once, the user timeout after 2 s of stall.
        #expect(outcome.seconds >= 1.9 && outcome.seconds < 30, "\(outcome)")
        #expect(!connection.isConnected)
    }

    /// The control: the same black hole with `tcp_user_timeout=0` (the system default, as libpq has it
    /// without ordersync's defaults) is still waiting after 5 s. So the proxy really stalls the
    /// connection, and the user timeout, not something else, ended the wait above.
    @Test func withoutTheUserTimeoutTheSameBlackHoleStillWaits() throws {
        let cluster = try PostgresCluster.shared()
        let url = try cluster.makeDatabase()
        let database = try #require(url.split(separator: "/").last.map(String.init))
        let proxy = try BlackHoleProxy(targetPort: cluster.port)
        defer { proxy.close() }
        let connection = try PGConnection(
            conninfo: "postgresql://postgres@127.0.0.1:\(proxy.port)/\(database)?tcp_user_timeout=0")
        #expect(try connection.query("SELECT 1").int64(0, 0) == 1)

        proxy.blackHole()
        let outcome = try runBounded(seconds: 5, proxy: proxy) { () throws(PostgresError) -> PGResult in
            try connection.query("SELECT length($1)", [.text(String(repeating: "x", count: 16 << 20))])
        }
        #expect(outcome.timedOut, "the query ended within 5 s without a user timeout: \(outcome)")
        // Closing the proxy (runBounded did) ended it, as a connection error.
        #expect(outcome.error?.kind == .connectionUnavailable)
    }
}

/// How a bounded query ended.
private struct Outcome: CustomStringConvertible {
    var error: PostgresError?
    var seconds: Double
    /// True when it was still running at the bound (the proxy was then closed to free it).
    var timedOut: Bool
    var description: String { "error: \(error.map { "\($0)" } ?? "none"), \(seconds) s, timed out: \(timedOut)" }
}

/// Runs `query` on a thread of its own and waits at most `seconds` for it. Past that the proxy is
/// closed (its sockets reset, so libpq's wait ends) and the query is awaited 30 s more; a query
/// that survives even that is reported, never waited for forever.
private func runBounded(
    seconds: Double, proxy: BlackHoleProxy, _ query: @escaping @Sendable () throws(PostgresError) -> PGResult
) throws -> Outcome {
    let done = DispatchSemaphore(value: 0)
    let result = ResultBox()
    let start = Date()
    Thread.detachNewThread {
        do throws(PostgresError) {
            _ = try query()
            result.value.withLock { $0 = .some(nil) }
        } catch {
            result.value.withLock { $0 = .some(error) }
        }
        done.signal()
    }
    var timedOut = false
    if done.wait(timeout: .now() + seconds) == .timedOut {
        timedOut = true
        proxy.close()
        guard done.wait(timeout: .now() + 30) == .success else {
            throw PostgresCluster.Failure("the query still ran 30 s after the proxy was closed")
        }
    }
    let error = result.value.withLock { $0 } ?? nil
    return Outcome(error: error, seconds: Date().timeIntervalSince(start), timedOut: timedOut)
}

/// What the query thread ended with: nil while it runs, then .some(nil) for success or the error.
private final class ResultBox: Sendable {
    let value = Mutex<PostgresError??>(nil)
}

/// The keepalive and user-timeout options the kernel holds for a connection's socket.
private struct SocketOptions {
    var keepalive, idle, interval, count, userTimeout: Int32

    init(_ connection: PGConnection) throws {
        let fd = connection.socketDescriptor
        func read(_ level: Int32, _ name: Int32) throws -> Int32 {
            var value: Int32 = -1
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, level, name, &value, &length) == 0 else {
                throw PostgresCluster.Failure("getsockopt(\(level), \(name)): errno \(errno)")
            }
            return value
        }
        let tcp = Int32(IPPROTO_TCP)
        keepalive = try read(SOL_SOCKET, SO_KEEPALIVE)
        idle = try read(tcp, TCP_KEEPIDLE)
        interval = try read(tcp, TCP_KEEPINTVL)
        count = try read(tcp, TCP_KEEPCNT)
        userTimeout = try read(tcp, 18)  // TCP_USER_TIMEOUT (linux/tcp.h), not in Glibc's module
    }
}

/// A TCP proxy on 127.0.0.1 in front of the test server: it forwards both ways until `blackHole()`,
/// then neither forwards nor reads, and keeps every socket open: to libpq the server went silent,
/// with no FIN or RST. Its receive buffer is small (SO_RCVBUF on the listener, inherited by the
/// accepted socket), so a stalled client's bytes soon fill it: the window closes. `close()` stops it:
/// within 50 ms every thread ends and closes what it owns, with a reset (SO_LINGER 0), so a client
/// blocked on the full window learns at once. A socket is closed only by its owner, once no other
/// thread uses it.
private final class BlackHoleProxy: @unchecked Sendable {
    // @unchecked Sendable: the mutable state is in `state`, a Mutex; the rest is set once.
    let port: Int
    private let listener: Int32
    private let targetPort: Int
    private let state = Mutex(State())

    private struct State {
        var blackHoled = false
        var closed = false
    }

    init(targetPort: Int) throws {
        self.targetPort = targetPort
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PostgresCluster.Failure("socket: errno \(errno)") }
        var small: Int32 = 4_096
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound, listen(fd, 8) == 0 else {
            Glibc.close(fd)
            throw PostgresCluster.Failure("cannot set up the proxy's listener: errno \(errno)")
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// From now on nothing is forwarded or read, in either direction.
    func blackHole() { state.withLock { $0.blackHoled = true } }

    /// Stops the proxy: its threads close everything within 50 ms. Safe to call more than once.
    func close() { state.withLock { $0.closed = true } }

    private var isClosed: Bool { state.withLock { $0.closed } }
    private var isBlackHoled: Bool { state.withLock { $0.blackHoled } }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return address
    }

    private static func reset(_ fd: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        Glibc.close(fd)
    }

    /// Accepts until closed; each connection gets a socket to the server and two pumps, the last of
    /// which closes both sockets.
    private func acceptLoop() {
        defer { Glibc.close(listener) }
        while !isClosed {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: targetPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard connected, !isClosed else {
                Self.reset(client)
                Glibc.close(server)
                continue
            }
            let pair = Pair(client: client, server: server)
            Thread.detachNewThread { [self] in pump(from: client, to: server, pair: pair) }
            Thread.detachNewThread { [self] in pump(from: server, to: client, pair: pair) }
        }
    }

    /// The two sockets of one proxied connection, closed by whichever pump ends last.
    private final class Pair: Sendable {
        let client: Int32
        let server: Int32
        private let running = Atomic<Int>(2)

        init(client: Int32, server: Int32) {
            self.client = client
            self.server = server
        }

        func pumpEnded() {
            guard running.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 else { return }
            BlackHoleProxy.reset(client)
            BlackHoleProxy.reset(server)
        }
    }

    /// Copies `from` to `to` until either side closes, or the proxy does. Once black-holed it only
    /// waits: the flag is read again after poll says there are bytes, so none is read after
    /// `blackHole()`.
    private func pump(from: Int32, to: Int32, pair: Pair) {
        defer { pair.pumpEnded() }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !isClosed {
            if isBlackHoled {
                usleep(50_000)
                continue
            }
            var poller = pollfd(fd: from, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            if isBlackHoled || isClosed { continue }
            let count = buffer.withUnsafeMutableBytes { recv(from, $0.baseAddress, $0.count, 0) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            guard count > 0 else {
                shutdown(to, Int32(SHUT_WR))
                return
            }
            var sent = 0
            while sent < count {
                let written = buffer.withUnsafeBytes { send(to, $0.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL)) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                sent += written
            }
        }
    }
}
