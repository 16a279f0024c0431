import FakeProviders
import Foundation
import HTTPServer
import Synchronization

/// The fake in-process on an ephemeral port, with a clock the test moves by hand.
final class FakeServer {
    let service: FakeProvidersService
    let server: HTTPServer
    let port: UInt16
    let clock = ManualClock()

    init(_ configure: (inout FakeConfiguration) -> Void = { _ in }) throws {
        var configuration = FakeConfiguration()
        configuration.orders = 300
        configuration.contacts = 300
        configuration.customers = 20
        configure(&configuration)
        service = FakeProvidersService(configuration: configuration, clock: clock.fakeClock)
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.host = "127.0.0.1"
        serverConfiguration.port = 0
        server = try HTTPServer(configuration: serverConfiguration, handler: service)
        port = try server.start()
        service.listening(at: "http://127.0.0.1:\(port)")
    }

    deinit { server.drain() }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// One request on its own connection.
    func request(_ method: String, _ target: String, headers: [String] = [], body: String = "") throws
        -> RawResponse
    {
        let client = try RawClient(port: port)
        var lines = ["\(method) \(target) HTTP/1.1", "Host: 127.0.0.1:\(port)", "Connection: close"] + headers
        if !body.isEmpty || method == "POST" { lines.append("Content-Length: \(body.utf8.count)") }
        try client.send(lines.joined(separator: "\r\n") + "\r\n\r\n" + body)
        return try client.readResponse(headOnly: method == "HEAD")
    }

    func get(_ target: String, headers: [String] = []) throws -> RawResponse {
        try request("GET", target, headers: headers)
    }

    func post(_ target: String, _ body: String = "", headers: [String] = []) throws -> RawResponse {
        try request("POST", target, headers: headers, body: body)
    }

    /// `GET /_fake/dataset` as JSON.
    func dataset() throws -> [String: Any] { try get("/_fake/dataset").object }

    /// A Shopify listing with the right token.
    func shopify(_ target: String) throws -> RawResponse {
        try get(target, headers: ["X-Shopify-Access-Token: shpat_fake"])
    }

    /// A fresh Zoho access token.
    func zohoToken() throws -> String {
        let response = try post(
            "/oauth/v2/token",
            "grant_type=refresh_token&client_id=1000.FAKECLIENTID&client_secret=fake-client-secret"
                + "&refresh_token=1000.fake-refresh-token",
            headers: ["Content-Type: application/x-www-form-urlencoded"])
        return response.object["access_token"] as? String ?? ""
    }
}

/// Monotonic time under the test's control.
final class ManualClock: Sendable {
    private let now = Mutex(1_000.0)

    func advance(_ seconds: Double) { now.withLock { $0 += seconds } }

    var fakeClock: FakeClock {
        FakeClock(monotonicSeconds: { [self] in now.withLock { $0 } }, wallSeconds: { 1_900_000_000 })
    }
}

extension RawResponse {
    /// The body as a JSON object (empty when it is not one).
    var object: [String: Any] { (json as? [String: Any]) ?? [:] }
}
