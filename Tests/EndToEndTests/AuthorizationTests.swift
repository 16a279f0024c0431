import Foundation
import Testing

/// Who gets past `AUTH_TOKEN` (docs/contract.md §3; issue 15 item 4).
@Suite struct AuthorizationTests {
    private static let token = "s3cret-token"
    private static let valid = "Authorization: Bearer \(token)"

    private func exchange(_ client: RawClient, _ request: String, headOnly: Bool = false) throws -> RawResponse {
        try client.send(request)
        return try client.readResponse(headOnly: headOnly)
    }

    private func request(_ method: String, _ path: String, _ headers: [String] = []) -> String {
        ([ "\(method) \(path) HTTP/1.1", "Host: t"] + headers).joined(separator: "\r\n") + "\r\n\r\n"
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
            client, Request.post(Orders.batch(["dup2"]), headers: ["Authorization: Bearer a", "Authorization: Bearer a"]))
        expectProblem(refused, 400)
        #expect(try server.rowCount() == 0)
        let other = try RawClient(port: server.port)
        #expect(try exchange(other, Request.post(Orders.batch(["dup2"]), headers: ["Authorization: Bearer a"])).status == 200)
    }
}
