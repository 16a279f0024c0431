import Foundation
import HTTPServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `MAX_CONNECTIONS_PER_CLIENT` (issue 15 item 4): a client address holding that many open connections
/// gets its next one answered `503` with `Retry-After` and closed, while other clients are served. The
/// "other client" is 127.0.0.2: the client socket is bound to it before it connects.
@Suite struct ClientConnectionCapTests {
    private static let attacker = "127.0.0.2"

    /// A keep-alive connection from `source` that got one answer, so the server holds it.
    private func heldConnection(_ port: UInt16, from source: String) throws -> RawClient {
        let client = try RawClient(port: port, source: source)
        try client.send(Request.get("/healthz"))
        let response = try client.readResponse()
        #expect(response.status == 200)
        return client
    }

    /// Waits (bounded) until the server counts `count` connections from `client`.
    private func waitFor(_ server: TestServer, _ client: String, toHold count: Int) -> Bool {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if server.server.openConnections(from: client) == count { return true }
            usleep(5_000)
        }
        return false
    }

    private func expectRefusal(_ client: RawClient, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try client.send(Request.get("/healthz"))
        let response = try client.readResponse()
        #expect(response.status == 503, sourceLocation: sourceLocation)
        #expect(response.headers["retry-after"] == "1", sourceLocation: sourceLocation)
        #expect(response.headers["content-type"] == "application/problem+json", sourceLocation: sourceLocation)
        #expect(response.text.contains("too many open connections from your address"), sourceLocation: sourceLocation)
        #expect(response.headers["connection"] == "close", sourceLocation: sourceLocation)
        #expect(client.isClosedByPeer(), "closed after the answer", sourceLocation: sourceLocation)
    }

    @Test func aClientAtTheCapIsRefusedWith503WhileOthersAreServed() throws {
        let cap = 3
        let server = try TestServer(configure: { $0.maxConnectionsPerClient = cap })
        var held = try (0..<cap).map { _ in try heldConnection(server.port, from: ClientConnectionCapTests.attacker) }
        #expect(server.server.openConnections(from: ClientConnectionCapTests.attacker) == cap)

        // Beyond the cap: a 503 with Retry-After, never a silent close; again and again.
        for _ in 0..<3 {
            try expectRefusal(try RawClient(port: server.port, source: ClientConnectionCapTests.attacker))
        }
        #expect(server.server.openConnections(from: ClientConnectionCapTests.attacker) == cap, "refusals hold nothing")

        // 127.0.0.1 is another client, with a cap of its own: served.
        let legit = try (0..<cap).map { _ in try heldConnection(server.port, from: "127.0.0.1") }
        try legit[0].send(Request.post(Orders.batch(["cap1"])))
        #expect(try legit[0].readResponse().status == 200)

        // The held connections keep working: the cap refuses new connections, not requests.
        try held[0].send(Request.get("/orders/cap1"))
        #expect(try held[0].readResponse().status == 200)

        // When one of them closes, the client may connect again (once).
        held.removeLast()  // its socket closes with it
        #expect(waitFor(server, ClientConnectionCapTests.attacker, toHold: cap - 1))
        held.append(try heldConnection(server.port, from: ClientConnectionCapTests.attacker))
        try expectRefusal(try RawClient(port: server.port, source: ClientConnectionCapTests.attacker))

        // /metrics counts the refusals by reason.
        let metrics = try legit[1].exchangeText(Request.get("/metrics"))
        #expect(
            metrics.contains(#"ordersync_http_connections_refused_total{reason="max_connections_per_client"} 4"#),
            "\(metrics)")
        #expect(metrics.contains(#"ordersync_http_connections_refused_total{reason="max_connections"} 0"#))
        withExtendedLifetime((held, legit)) {}
    }

    /// Off by default: one address may hold many connections (every client behind a proxy shares one).
    @Test func offByDefault() throws {
        let server = try TestServer()
        let clients = try (0..<40).map { _ in try heldConnection(server.port, from: ClientConnectionCapTests.attacker) }
        #expect(server.server.openConnections == 40)
        #expect(server.server.openConnections(from: ClientConnectionCapTests.attacker) == 0, "nothing counted")
        withExtendedLifetime(clients) {}
    }

    /// The setting through the real binary; a bad value stops the start with one line.
    @Test func theSettingOfTheServeCommand() throws {
        let directory = TemporaryDirectory()
        let server = try ServerProcess(
            dbPath: directory.file("orders.db"),
            environment: ["HOST": "127.0.0.1", "MAX_CONNECTIONS_PER_CLIENT": "2"])
        defer {
            server.signal(SIGTERM)
            _ = server.waitForExit()
        }
        // The server listens on 127.0.0.1 only: the client connects to it from there.
        let held = try (0..<2).map { _ in try heldConnection(server.port, from: "127.0.0.1") }
        try expectRefusal(try RawClient(port: server.port))
        withExtendedLifetime(held) {}

        for bad in ["-1", "two", "1.5"] {
            let result = try runOrdersyncBounded(
                ["serve"], environment: ["MAX_CONNECTIONS_PER_CLIENT": bad, "DB_PATH": directory.file("bad.db")])
            #expect(result.status == 1, "\(bad): \(result.output)")
            #expect(result.output.split(separator: "\n").count == 1, "\(result.output)")
            #expect(
                result.output.contains("MAX_CONNECTIONS_PER_CLIENT must be a non-negative integer"), "\(result.output)")
        }
    }
}

extension RawClient {
    /// Sends one request and returns its response's body as text.
    fileprivate func exchangeText(_ request: String) throws -> String {
        try send(request)
        return try readResponse().text
    }
}
