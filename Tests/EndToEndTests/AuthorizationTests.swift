import Foundation
import Testing

/// Who gets past `AUTH_TOKEN` and what a stranger learns (docs/contract.md §3; issue 15 item 4).
@Suite struct AuthorizationTests {
    private static let token = "s3cret-token"
    private static let valid = "Authorization: Bearer \(token)"

    private func exchange(_ client: RawClient, _ request: String, headOnly: Bool = false) throws -> RawResponse {
        try client.send(request)
        return try client.readResponse(headOnly: headOnly)
    }

    private func request(_ method: String, _ path: String, _ headers: [String] = []) -> String {
        (["\(method) \(path) HTTP/1.1", "Host: t"] + headers).joined(separator: "\r\n") + "\r\n\r\n"
    }

    private func expectProblem(
        _ response: RawResponse, _ status: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.headers["content-type"] == "application/problem+json", sourceLocation: sourceLocation)
        let problem = response.json as? [String: Any]
        #expect(problem?["status"] as? Int == status, sourceLocation: sourceLocation)
    }

    // MARK: - Two Authorization headers

    /// Two Authorization fields are refused whatever they hold, even the right token twice: a proxy
    /// in front could check one and this service the other. Nothing of the body is read or stored.
    @Test(arguments: [
        [valid, valid],
        [valid, "Authorization: Bearer wrong"],
        ["Authorization: Bearer wrong", valid],
        ["authorization: Bearer \(token)", "AUTHORIZATION: Bearer \(token)"],
        [valid, "Authorization: "],
        [valid, valid, valid],
    ])
    func twoAuthorizationHeadersAreABadRequest(_ headers: [String]) throws {
        let server = try TestServer(api: { $0.authToken = AuthorizationTests.token })
        let client = try RawClient(port: server.port)
        let refused = try exchange(client, Request.post(Orders.batch(["dup1"]), headers: headers))
        expectProblem(refused, 400)
        #expect(refused.headers["connection"] == "close", "the body was never read")
        #expect(client.isClosedByPeer())
        #expect(!refused.text.contains(AuthorizationTests.token))
        #expect(try server.rowCount() == 0)

        // Reads too, open endpoints and unknown paths included; one header still works after.
        let reader = try RawClient(port: server.port)
        for path in ["/", "/orders/dup1", "/healthz", "/version", "/no/such/path"] {
            expectProblem(try exchange(reader, request("GET", path, headers)), 400)
        }
        #expect(try exchange(reader, request("GET", "/", [AuthorizationTests.valid])).status == 200)
    }

    @Test func twoAuthorizationHeadersAreABadRequestWithoutAuthTokenToo() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let refused = try exchange(
            client,
            Request.post(Orders.batch(["dup2"]), headers: ["Authorization: Bearer a", "Authorization: Bearer a"]))
        expectProblem(refused, 400)
        #expect(try server.rowCount() == 0)
        let other = try RawClient(port: server.port)
        #expect(
            try exchange(other, Request.post(Orders.batch(["dup2"]), headers: ["Authorization: Bearer a"])).status
                == 200)
    }

    // MARK: - No route map for strangers

    /// Without the token, an unknown path or a method a path does not allow gets the same 401 as any
    /// protected resource: nothing tells which paths exist or which methods they take.
    @Test func strangersGet401WhateverThePathOrMethod() throws {
        let server = try TestServer(api: { $0.authToken = AuthorizationTests.token })
        let client = try RawClient(port: server.port)
        let requests = [
            request("GET", "/no/such/path"), request("GET", "/admin"), request("GET", "/healthz/x"),
            request("GET", "/version/x"), request("DELETE", "/"), request("PUT", "/orders/1"),
            request("BREW", "/views"), request("POST", "/healthz", ["Content-Length: 0"]),
            request("POST", "/version", ["Content-Length: 0"]), request("POST", "/dashboard", ["Content-Length: 0"]),
            request("OPTIONS", "/"), request("GET", "/nope", ["Authorization: Bearer wrong"]),
            request("DELETE", "/orders/1", ["Authorization: Basic dXNlcjpwYXNz"]),
        ]
        for raw in requests {
            let response = try exchange(client, raw)
            expectProblem(response, 401)
            #expect(response.headers["www-authenticate"] == "Bearer", "\(raw)")
            #expect(response.headers["allow"] == nil, "\(raw)")
        }
        // HEAD of an unknown path: the same status, no body.
        #expect(try exchange(client, request("HEAD", "/no/such/path"), headOnly: true).status == 401)
        // A body sent to an unknown path is not read either: 401 and close.
        let poster = try RawClient(port: server.port)
        let refused = try exchange(poster, Request.post(Orders.batch(["s1"]), path: "/upload"))
        #expect(refused.status == 401)
        #expect(poster.isClosedByPeer())
    }

    /// The documented open endpoints still answer without a token.
    @Test func theOpenEndpointsNeedNoToken() throws {
        let server = try TestServer(api: { $0.authToken = AuthorizationTests.token })
        let client = try RawClient(port: server.port)
        for path in ["/healthz", "/readyz", "/version", "/dashboard"] {
            #expect(try exchange(client, request("GET", path)).status == 200, "\(path)")
            #expect(try exchange(client, request("HEAD", path), headOnly: true).status == 200, "HEAD \(path)")
        }
        #expect(try exchange(client, request("GET", "/metrics")).status == 401)
    }

    /// With the token, the route map is there as before: 404 for an unknown path, 405 with `Allow`.
    @Test func withTheTokenUnknownPathsAre404AndWrongMethods405() throws {
        let server = try TestServer(api: { $0.authToken = AuthorizationTests.token })
        let client = try RawClient(port: server.port)
        expectProblem(try exchange(client, request("GET", "/no/such/path", [AuthorizationTests.valid])), 404)
        let wrongMethod = try exchange(client, request("DELETE", "/", [AuthorizationTests.valid]))
        expectProblem(wrongMethod, 405)
        #expect(wrongMethod.headers["allow"] == "POST, GET, HEAD")
        let probe = try exchange(client, request("POST", "/healthz", [AuthorizationTests.valid, "Content-Length: 0"]))
        #expect(probe.status == 405 && probe.headers["allow"] == "GET, HEAD")
    }

    /// Without AUTH_TOKEN nothing changes: 404 and 405 for everyone.
    @Test func withoutAuthTokenUnknownPathsAre404AndWrongMethods405() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        expectProblem(try exchange(client, request("GET", "/no/such/path")), 404)
        expectProblem(try exchange(client, request("DELETE", "/")), 405)
    }
}
