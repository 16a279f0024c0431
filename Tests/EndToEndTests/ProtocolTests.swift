import Foundation
import Gzip
import Testing

/// HTTP/1.1 behaviour over real sockets (docs/contract.md §3, "Protocol").
@Suite struct ProtocolTests {
    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(
            Request.post(Orders.batch(["p1"])) + Request.get("/orders/p1") + Request.get("/nope")
                + Request.get("/healthz"))
        #expect(try client.readResponse().status == 200)
        let order = try client.readResponse()
        #expect(order.status == 200)
        #expect(order.text.contains("\"p1\""))
        #expect(try client.readResponse().status == 404)
        #expect(try client.readResponse().text.hasPrefix(#"{"status":"ok","#))
    }

    @Test func expectContinueIsAnsweredBeforeTheBody() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let body = Orders.batch(["c1"])
        try client.send(
            "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        )
        let interim = try client.readResponse()
        #expect(interim.status == 100)
        try client.send(body)
        #expect(try client.readResponse().text == #"{"inserted":1,"unchanged":0}"#)
    }

    @Test func expectContinueWithARefusedRequestGetsTheFinalAnswerAndClose() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(
            "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n"
        )
        let response = try client.readResponse()
        #expect(response.status == 415)
        #expect(response.headers["connection"] == "close")
        #expect(client.isClosedByPeer())
    }

    @Test func chunkedRequestBody() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let body = Array(Orders.batch(["k1", "k2"]).utf8)
        var request =
            "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        var offset = 0
        while offset < body.count {
            let size = min(13, body.count - offset)
            request +=
                String(size, radix: 16) + ";ext=1\r\n" + String(decoding: body[offset..<(offset + size)], as: UTF8.self)
                + "\r\n"
            offset += size
        }
        request += "0\r\nX-Trailer: yes\r\n\r\n"
        try client.send(request)
        #expect(try client.readResponse().text == #"{"inserted":2,"unchanged":0}"#)
    }

    @Test func contentLengthWithTransferEncodingIsRefused() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(
            "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        )
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.headers["content-type"] == "application/problem+json")
        #expect(client.isClosedByPeer())
        #expect(try server.rowCount() == 0)
    }

    @Test func gzipRequestBody() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let gzipped = try Deflater.gzip(Array(Orders.batch(["z1", "z2", "z3"]).utf8))
        try client.send(
            Array(
                "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: \(gzipped.count)\r\n\r\n"
                    .utf8)
                + gzipped)
        #expect(try client.readResponse().text == #"{"inserted":3,"unchanged":0}"#)
    }

    @Test func gzipBombIsCappedAndCorruptGzipIs400() throws {
        let server = try TestServer(api: { $0.maxBodyBytes = 64 * 1024 })
        let client = try RawClient(port: server.port)
        // 10 MB of spaces compress to a few KB: the inflater must stop at the 64 KiB cap.
        let bomb = try Deflater.gzip([UInt8](repeating: 0x20, count: 10_000_000))
        try client.send(
            Array(
                "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: \(bomb.count)\r\n\r\n"
                    .utf8) + bomb)
        #expect(try client.readResponse().status == 413)
        let corrupt: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]
        try client.send(
            Array(
                "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: \(corrupt.count)\r\n\r\n"
                    .utf8) + corrupt)
        #expect(try client.readResponse().status == 400)
    }

    @Test func gzipResponseWhenAccepted() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(Request.post(Orders.batch((0..<50).map { "g\($0)" })))
        _ = try client.readResponse()
        try client.send(Request.get("/", headers: ["Accept-Encoding: gzip"]))
        let response = try client.readResponse()
        #expect(response.headers["content-encoding"] == "gzip")
        let plain = try Inflater.gunzip(response.body, limit: 1 << 20)
        #expect((try JSONSerialization.jsonObject(with: Data(plain)) as? [Any])?.count == 50)
        try client.send(Request.get("/", headers: ["Accept-Encoding: gzip;q=0, br"]))
        #expect(try client.readResponse().headers["content-encoding"] == nil)
    }

    @Test func http10ClientsGetCloseUnlessTheyAskForKeepAlive() throws {
        let server = try TestServer()
        let closing = try RawClient(port: server.port)
        try closing.send("GET /healthz HTTP/1.0\r\n\r\n")
        let response = try closing.readResponse()
        #expect(response.status == 200)
        #expect(response.headers["connection"] == "close")
        #expect(closing.isClosedByPeer())

        let keeping = try RawClient(port: server.port)
        try keeping.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try keeping.readResponse().headers["connection"] == "keep-alive")
        // A streamed body has no framing in HTTP/1.0: it ends with the connection.
        try keeping.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let streamed = try keeping.readResponse()
        #expect(streamed.status == 200)
        #expect(streamed.text.hasPrefix("["))
    }

    @Test func connectionCloseIsHonoured() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(Request.get("/healthz", headers: ["Connection: close"]))
        #expect(try client.readResponse().headers["connection"] == "close")
        #expect(client.isClosedByPeer())
    }

    @Test func headHasHeadersButNoBody() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("HEAD /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        let head = try client.readResponse(headOnly: true)
        #expect(head.status == 200)
        // The next response must start right after the head: no stray body bytes in between.
        try client.send(Request.get("/healthz"))
        let get = try client.readResponse()
        #expect(get.text.hasPrefix(#"{"status":"ok","#))
        #expect(head.headers["content-length"] == String(get.body.count))
    }

    @Test func unknownPathIs404AndWrongMethodIs405WithAllow() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(Request.get("/nowhere"))
        #expect(try client.readResponse().status == 404)
        try client.send("DELETE / HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 405)
        #expect(response.headers["allow"] == "POST, GET, HEAD")
    }

    @Test func bearerTokenGuardsEverythingButProbes() throws {
        let server = try TestServer(api: { $0.authToken = "s3cret-token" })
        let client = try RawClient(port: server.port)
        try client.send(Request.get("/"))
        let denied = try client.readResponse()
        #expect(denied.status == 401)
        #expect(denied.headers["www-authenticate"] == "Bearer")
        try client.send(Request.get("/", headers: ["Authorization: Bearer s3cret-tokeX"]))
        #expect(try client.readResponse().status == 401)
        try client.send(Request.get("/", headers: ["Authorization: bearer s3cret-token"]))
        #expect(try client.readResponse().status == 200)
        try client.send(Request.get("/healthz"))
        #expect(try client.readResponse().status == 200)
        try client.send(Request.get("/readyz"))
        #expect(try client.readResponse().status == 200)
        // A refused POST must not have stored anything, and must not leak the token.
        try client.send(Request.post(Orders.batch(["x"])))
        let refused = try client.readResponse()
        #expect(refused.status == 401)
        #expect(!refused.text.contains("s3cret"))
        #expect(try server.rowCount() == 0)
    }
}
