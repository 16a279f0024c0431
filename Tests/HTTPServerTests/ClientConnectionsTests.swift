import HTTPServer
import Testing

/// The per-client connection cap's bookkeeping (`MAX_CONNECTIONS_PER_CLIENT`).
@Suite struct ClientConnectionsTests {
    @Test func aClientAtTheLimitIsRefusedUntilOneOfItsConnectionsCloses() {
        var clients = ClientConnections(limit: 2)
        func take(_ client: String) -> Bool { clients.take(client) }
        #expect(take("127.0.0.2"))
        #expect(take("127.0.0.2"))
        #expect(!take("127.0.0.2"))
        #expect(clients.count("127.0.0.2") == 2, "a refusal takes nothing")
        #expect(take("127.0.0.1"), "other clients are counted apart")
        clients.release("127.0.0.2")
        #expect(take("127.0.0.2"))
        #expect(!take("127.0.0.2"))
    }

    @Test func releasingEverythingForgetsTheClient() {
        var clients = ClientConnections(limit: 3)
        for _ in 0..<3 { _ = clients.take("::1") }
        #expect(clients.count("::1") == 3)
        for _ in 0..<3 { clients.release("::1") }
        #expect(clients.count("::1") == 0)
        #expect(clients.clients == 0, "no entry left behind per address ever seen")
        clients.release("::1")  // more releases than takes change nothing
        #expect(clients.count("::1") == 0)
    }

    @Test(arguments: [0, -1])
    func aLimitOfZeroCountsAndRefusesNothing(_ limit: Int) {
        var clients = ClientConnections(limit: limit)
        let granted = (0..<1_000).filter { _ in clients.take("127.0.0.2") }.count
        #expect(granted == 1_000)
        #expect(clients.clients == 0)
    }
}
