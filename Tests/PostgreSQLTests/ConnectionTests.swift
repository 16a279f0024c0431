import Foundation
import PostgreSQL
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ConnectionTests {
    @Test func connectsByURLWithDefaults() throws {
        let cluster = try PostgresCluster.shared()
        let url = try cluster.makeDatabase()
        let connection = try PGConnection(conninfo: url)
        let database = try #require(url.split(separator: "/").last.map(String.init))
        #expect(try connection.query("SELECT current_database()").string(0, 0) == database)
        #expect(try connection.query("SHOW application_name").string(0, 0) == "ordersync")
        #expect(try connection.query("SHOW client_encoding").string(0, 0) == "UTF8")
        #expect(connection.isConnected)
        #expect(connection.isHealthy())
        #expect(connection.serverVersion >= 140000)
        #expect(connection.target.description == "host=127.0.0.1 port=\(cluster.port) dbname=\(database) user=postgres")
    }

    @Test func connectsByKeyValueConninfo() throws {
        let cluster = try PostgresCluster.shared()
        let url = try cluster.makeDatabase()
        let database = try #require(url.split(separator: "/").last.map(String.init))
        let connection = try PGConnection(conninfo: cluster.conninfo(database: database) + " application_name=probe")
        #expect(try connection.query("SELECT current_database()").string(0, 0) == database)
        // The string's own options win over the defaults.
        #expect(try connection.query("SHOW application_name").string(0, 0) == "probe")
    }

    /// sslmode is libpq's business: kept in the string, it really takes effect.
    @Test func sslModeIsHonoured() throws {
        let url = try PostgresCluster.shared().makeDatabase()
        _ = try PGConnection(conninfo: url + "?sslmode=disable")
        let error = try #require(throws: PostgresError.self) { try PGConnection(conninfo: url + "?sslmode=require") }
        #expect(error.kind == .connectionUnavailable)
        #expect(error.message.contains("SSL"))
        #expect(error.target?.contains("sslmode=require") == true)
    }

    @Test func passwordRoleConnectsWithItsPassword() throws {
        let cluster = try PostgresCluster.shared()
        let url = try cluster.makeDatabase()
        let database = try #require(url.split(separator: "/").last.map(String.init))
        let connection = try PGConnection(conninfo: cluster.passwordURL(database: database))
        #expect(try connection.query("SELECT current_user").string(0, 0) == cluster.passwordUser)
        #expect(!connection.target.description.contains(cluster.password))
    }

    @Test func wrongPasswordFailsWithoutShowingIt() throws {
        let cluster = try PostgresCluster.shared()
        let url = try cluster.makeDatabase()
        let database = try #require(url.split(separator: "/").last.map(String.init))
        let wrong = "Wr0ng-\(UUID().uuidString)"
        let forms = [
            cluster.passwordURL(database: database, password: wrong),
            "host=127.0.0.1 port=\(cluster.port) dbname=\(database) user=\(cluster.passwordUser) password='\(wrong)'",
        ]
        for conninfo in forms {
            let error = try #require(throws: PostgresError.self) { try PGConnection(conninfo: conninfo) }
            #expect(error.kind == .connectionUnavailable)
            #expect(error.message.contains("password authentication failed"))
            let text = everyRendering(of: error)
            #expect(!text.contains(wrong))
            #expect(!text.contains(cluster.password))
            #expect(text.contains("host=127.0.0.1"))
            #expect(text.contains("user=\(cluster.passwordUser)"))
        }
    }

    /// Nothing listens on the port: refused at once, and the password in the URL is nowhere.
    @Test func refusedPortFailsWithoutShowingThePassword() throws {
        let port = try closedPort()
        let secret = "hunter2-\(UUID().uuidString)"
        let error = try #require(throws: PostgresError.self) {
            try PGConnection(conninfo: "postgresql://app:\(secret)@127.0.0.1:\(port)/orders")
        }
        #expect(error.kind == .connectionUnavailable)
        #expect(error.message.contains("Connection refused"))
        #expect(error.description.contains("port=\(port)"))
        #expect(!everyRendering(of: error).contains(secret))
    }

    /// A server that accepts the TCP connection and never answers: connect_timeout ends the wait. A
    /// watchdog closes the listener after 60 s, so the test ends even if the timeout did not work.
    @Test func silentServerTimesOut() throws {
        let listener = try SilentListener()
        let secret = "s3cret-\(UUID().uuidString)"
        let error = try #require(throws: PostgresError.self) {
            try PGConnection(conninfo: "postgresql://app:\(secret)@127.0.0.1:\(listener.port)/orders?connect_timeout=2")
        }
        #expect(!listener.closedByWatchdog, "connect_timeout did not end the wait")
        #expect(error.kind == .connectionUnavailable)
        #expect(error.message.contains("timeout"))
        #expect(!everyRendering(of: error).contains(secret))
    }

    /// libpq's parse errors quote the string they failed on; none of it may reach the error.
    @Test func unparsableStringsNeverEchoThePassword() throws {
        let cases = [
            ("postgresql://app:Pa55-wordX%zz@127.0.0.1/orders", "Pa55-wordX"),
            ("postgresql://app:Pa55@wordX99@127.0.0.1/orders", "wordX99"),
            ("postgresql://app:Pa55-wordX@[::1/orders", "Pa55-wordX"),
            ("host=127.0.0.1 password Pa55-wordX", "Pa55-wordX"),
            ("host=127.0.0.1 password='Pa55-wordX", "Pa55-wordX"),
        ]
        for (conninfo, secret) in cases {
            let error = try #require(throws: PostgresError.self) { try PGConnection(conninfo: conninfo) }
            #expect(error.message.hasPrefix("invalid connection string"), "\(error)")
            #expect(!everyRendering(of: error).contains(secret), "\(conninfo)")
        }
    }

    @Test func targetDescriptionNamesTheServerNeverThePassword() throws {
        let url = try ConnectionTarget(conninfo: "postgres://app:t0p-s3cret@db.example:6543/orders?sslmode=require")
        #expect(url.description == "host=db.example port=6543 dbname=orders user=app sslmode=require")
        let list = try ConnectionTarget(conninfo: "host=/run/pg dbname='my db' user=app password=t0p-s3cret")
        #expect(list.description == "host=/run/pg dbname='my db' user=app")
        let hosts = try ConnectionTarget(conninfo: "postgresql://app:t0p-s3cret@h1:5432,h2:5433/orders")
        #expect(hosts.description == "host=h1,h2 port=5432,5433 dbname=orders user=app")
        for target in [url, list, hosts] {
            #expect(!everyRendering(of: TargetBox(target: target)).contains("t0p-s3cret"))
            #expect(target.options["password"] == nil)
        }
    }

    /// The default connect_timeout and application_name are only defaults.
    @Test func defaultsAreOverridable() throws {
        let url = try PostgresCluster.shared().makeDatabase()
        let connection = try PGConnection(conninfo: url, connectTimeoutSeconds: 3, applicationName: "worker-7")
        #expect(try connection.query("SHOW application_name").string(0, 0) == "worker-7")
    }
}

/// Wraps a target so `everyRendering` (which takes an Error) can dump it.
private struct TargetBox: Error { let target: ConnectionTarget }

/// A port of 127.0.0.1 nothing listens on: bound, then closed.
private func closedPort() throws -> Int {
    let listener = try SilentListener(listen: false)
    return listener.port
}

/// A TCP socket on 127.0.0.1 that listens and never accepts: the kernel completes the handshake, and
/// the client then waits for an answer that never comes.
private final class SilentListener: @unchecked Sendable {
    let fd: Int32
    let port: Int
    private let state = NSLock()
    private var closed = false
    private var watchdogFired = false
    var closedByWatchdog: Bool { state.withLock { watchdogFired } }

    init(listen shouldListen: Bool = true) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard fd >= 0, bound, !shouldListen || listen(fd, 8) == 0 else {
            throw PostgresCluster.Failure("cannot set up a listener: errno \(errno)")
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        if !shouldListen {
            close(fd)
            closed = true
            return
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { [self] in
            state.withLock {
                guard !closed else { return }
                watchdogFired = true
                closed = true
                close(fd)
            }
        }
    }

    deinit {
        state.withLock {
            if !closed { close(fd) }
            closed = true
        }
    }
}
