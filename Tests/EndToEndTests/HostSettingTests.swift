import Foundation
import HTTPServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `HOST`: the address the server binds (README "Configuration"; issue 15 item 4). Linux routes all of
/// 127.0.0.0/8 to the loopback interface, so 127.0.0.2 is another local address with no set-up.
@Suite struct HostSettingTests {
    /// Connecting to `host:port` is refused outright (nothing listens there): ECONNREFUSED.
    private func expectRefused(_ host: String, _ port: UInt16, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try RawClient(port: port, host: host)
            Issue.record("a connection to \(host):\(port) was accepted", sourceLocation: sourceLocation)
        } catch let error as RawClient.ConnectFailed {
            #expect(error.code == ECONNREFUSED, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record(error, sourceLocation: sourceLocation)
        }
    }

    private func health(_ host: String, _ port: UInt16) throws -> Int {
        let client = try RawClient(port: port, host: host)
        try client.send(Request.get("/healthz"))
        return try client.readResponse().status
    }

    /// A server on `host` whose port is held, bound but not listening, on the IPv4 address `other`:
    /// no other test's server can listen there meanwhile, so a connection to `other` on that port is
    /// refused unless this server listens there too. (Without the hold, a parallel test's server once
    /// took 127.0.0.1 on the port of the one on [::1], and the refusal test failed.)
    private func server(on host: String, holding other: String) throws -> (TestServer, HeldPort) {
        var attempts = 0
        while true {
            let held = try HeldPort(other)
            do {
                return (try TestServer(configure: { $0.host = host; $0.port = held.port }), held)
            } catch let error as SocketError where error.code == EADDRINUSE && attempts < 20 {
                attempts += 1  // that port is taken on `host`: another one
            }
        }
    }

    @Test func aServerOnLoopbackAnswersThereAndNowhereElse() throws {
        let (server, held) = try server(on: "127.0.0.1", holding: "127.0.0.2")
        #expect(try health("127.0.0.1", server.port) == 200)
        expectRefused("127.0.0.2", held.port)
    }

    @Test func aServerOnAnotherLoopbackAddressIsNotOn127001() throws {
        let (server, held) = try server(on: "127.0.0.2", holding: "127.0.0.1")
        #expect(try health("127.0.0.2", server.port) == 200)
        expectRefused("127.0.0.1", held.port)
    }

    @Test func ipv6LoopbackWhereTheMachineHasIt() throws {
        let server: TestServer
        let held: HeldPort
        do {
            (server, held) = try self.server(on: "[::1]", holding: "127.0.0.1")
        } catch let error as SocketError where error.code == EADDRNOTAVAIL || error.code == EAFNOSUPPORT {
            try Test.cancel("no IPv6 loopback here: \(error)")
        }
        #expect(try health("::1", server.port) == 200)
        expectRefused("127.0.0.1", held.port)
    }

    /// An IPv4 client of an IPv6 socket arrives as `::ffff:a.b.c.d`; the server names it by its IPv4
    /// address, so the per-client cap (and the access log) count one client whatever the listener.
    @Test func anIPv4ClientOfAnIPv6SocketIsNamedByItsIPv4Address() throws {
        let server: TestServer
        do {
            server = try TestServer(configure: {
                $0.host = "::ffff:127.0.0.1"
                $0.maxConnectionsPerClient = 8
            })
        } catch let error as SocketError where error.code == EADDRNOTAVAIL || error.code == EAFNOSUPPORT {
            try Test.cancel("no IPv6 sockets here: \(error)")
        }
        let client = try RawClient(port: server.port, host: "127.0.0.1")
        try client.send(Request.get("/healthz"))
        #expect(try client.readResponse().status == 200)
        #expect(server.server.openConnections(from: "127.0.0.1") == 1)
        #expect(server.server.openConnections(from: "::ffff:127.0.0.1") == 0)
    }

    /// The setting itself, through the real binary: the startup line names the address, and
    /// `ordersync healthcheck` asks the server where HOST says it listens.
    @Test func hostOfTheServeCommand() throws {
        let directory = TemporaryDirectory()
        let server = try ServerProcess(dbPath: directory.file("orders.db"), environment: ["HOST": "127.0.0.1"])
        defer {
            server.signal(SIGTERM)
            _ = server.waitForExit()
        }
        let line = try #require(server.log.split(separator: "\n").first { $0.contains("listening") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["url"] as? String == "http://127.0.0.1:\(server.port)")
        #expect(try health("127.0.0.1", server.port) == 200)
        expectRefused("127.0.0.2", server.port)

        let port = String(server.port)
        let healthy = try runOrdersyncWithin(20, ["healthcheck"], environment: ["HOST": "127.0.0.1", "PORT": port])
        #expect(healthy.status == 0, "\(healthy.output)")
        let elsewhere = try runOrdersyncWithin(20, ["healthcheck"], environment: ["HOST": "127.0.0.2", "PORT": port])
        #expect(elsewhere.status == 1)
        #expect(elsewhere.output.contains("nothing listens on 127.0.0.2:\(port)"), "\(elsewhere.output)")
    }

    /// A HOST that is not an address, or not one of this machine, stops the start with one line and
    /// exit 1, before any database is created.
    @Test(arguments: [
        (["HOST": "localhost"], [String](), "HOST must be a numeric IPv4 or IPv6 address"),
        (["HOST": "0.0.0.0:8080"], [], "HOST must be a numeric IPv4 or IPv6 address"),
        (["HOST": "256.1.1.1"], [], "not \"256.1.1.1\""),
        ([:], ["--host", "my-laptop"], "not \"my-laptop\""),
        (
            ["HOST": "192.0.2.1"], [],
            "cannot listen on port 0 of 192.0.2.1: bind failed: Cannot assign requested address"
        ),
    ])
    func aBadHostStopsTheStartClearly(_ environment: [String: String], _ flags: [String], _ expected: String) throws {
        let directory = TemporaryDirectory()
        let dbPath = directory.file("data/orders.db")
        let result = try runOrdersyncBounded(
            ["serve"] + flags, environment: environment.merging(["DB_PATH": dbPath]) { given, _ in given })
        #expect(result.status == 1, "status \(result.status) (-1: it kept running): \(result.output)")
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 1, "\(result.output)")
        #expect(result.output.contains(expected), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: dbPath))
    }

    /// HOST belongs to `serve`: a shell that exports it as the machine's name (tcsh) does not stop the
    /// commands that do not listen.
    @Test func otherCommandsIgnoreHost() throws {
        let directory = TemporaryDirectory()
        let migrate = try runOrdersync(
            ["migrate"],
            environment: [
                "DB_PATH": directory.file("orders.db"), "SQL_DIR": Repository.sqlDirectory, "HOST": "my-laptop",
            ])
        #expect(migrate.status == 0, "\(migrate.output)")
    }
}
