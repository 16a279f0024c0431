import Foundation
import Testing

/// `GET /` options and `GET /orders/{order_id}`.
@Suite struct QueryTests {
    private func load(_ server: TestServer, count: Int) throws {
        let client = try RawClient(port: server.port)
        try client.send(Request.post(Orders.batch((0..<count).map { String(format: "id-%04d", $0) })))
        #expect(try client.readResponse().status == 200)
    }

    @Test func pagesFollowTheLinkHeader() throws {
        let server = try TestServer()
        try load(server, count: 25)
        let client = try RawClient(port: server.port)
        var next: String? = "/?limit=10"
        var seen: [String] = []
        var pages = 0
        while let path = next {
            try client.send(Request.get(path))
            let response = try client.readResponse()
            #expect(response.status == 200)
            let rows = try #require(response.json as? [[String: Any]])
            seen += rows.compactMap { $0["order_id"] as? String }
            next = response.headers["link"].flatMap { link in
                link.split(separator: ";").first.map { String($0.dropFirst().dropLast()) }
            }
            pages += 1
        }
        #expect(pages == 3)
        #expect(seen == (0..<25).map { String(format: "id-%04d", $0) })
    }

    @Test func streamedAcrossManyChunks() throws {
        let server = try TestServer(api: { $0.streamChunkRows = 7 })
        try load(server, count: 50)
        let client = try RawClient(port: server.port)
        try client.send(Request.get("/"))
        let response = try client.readResponse()
        #expect(response.headers["transfer-encoding"] == "chunked")
        let rows = try #require(response.json as? [[String: Any]])
        #expect(rows.compactMap { $0["order_id"] as? String } == (0..<50).map { String(format: "id-%04d", $0) })
    }

    @Test func filtersByStatusAndSince() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(Request.post("[\(Orders.one("a", status: "new")),\(Orders.one("b", status: "shipped"))]"))
        _ = try client.readResponse()
        try client.send(Request.get("/?status=shipped"))
        let shipped = try #require(try client.readResponse().json as? [[String: Any]])
        #expect(shipped.map { $0["order_id"] as? String } == ["b"])
        try client.send(Request.get("/?since=2999-01-01"))
        #expect((try client.readResponse().json as? [Any])?.isEmpty == true)
        try client.send(Request.get("/?since=2000-01-01T00:00:00Z"))
        #expect((try client.readResponse().json as? [Any])?.count == 2)
    }

    @Test func badParametersAre400() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        for path in [
            "/?limit=0", "/?limit=abc", "/?limit=10001", "/?since=yesterday", "/?stauts=x", "/?status=a&status=b",
            "/?after=%zz",
        ] {
            try client.send(Request.get(path))
            let response = try client.readResponse()
            #expect(response.status == 400, "\(path)")
            #expect(response.headers["content-type"] == "application/problem+json")
        }
    }

    @Test func unknownOrderIs404AndIdsArePercentDecoded() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(Request.post(Orders.batch(["with space/slash"])))
        _ = try client.readResponse()
        try client.send(Request.get("/orders/with%20space%2Fslash"))
        let found = try client.readResponse()
        #expect(found.status == 200)
        #expect((found.json as? [String: Any])?["order_id"] as? String == "with space/slash")
        try client.send(Request.get("/orders/nope"))
        #expect(try client.readResponse().status == 404)
    }
}
