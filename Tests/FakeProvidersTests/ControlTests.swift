import FakeProviders
import Foundation
import Testing

@Suite struct ControlTests {
    static let orders = "/admin/api/2024-10/orders.json?status=any&limit=250"

    @Test func statusAndRateLimitFaultsHitTheNextRequestsOnly() throws {
        let fake = try FakeServer()
        let added = try fake.post(
            "/_fake/faults",
            #"[{"provider":"shopify","kind":"status","status":503,"count":2},{"provider":"zoho-token","kind":"rate-limit","retry_after":3}]"#
        )
        #expect(added.status == 200)
        #expect(try fake.shopify(Self.orders).status == 503)
        let second = try fake.shopify(Self.orders)
        #expect(second.status == 503)
        #expect(second.headers["x-shopify-shop-api-call-limit"] != nil)
        #expect(try fake.shopify(Self.orders).status == 200)
        let limited = try fake.post("/oauth/v2/token")
        #expect(limited.status == 429)
        #expect(limited.headers["retry-after"] == "3")
        let zoho = try fake.post("/_fake/faults", #"{"provider":"zoho","kind":"rate-limit","retry_after":1.5}"#)
        #expect(zoho.status == 200)
        let token = try fake.zohoToken()
        let refused = try fake.get(
            "/crm/v8/Contacts?fields=Email", headers: ["Authorization: Zoho-oauthtoken \(token)"])
        #expect(refused.status == 429)
        #expect(refused.object["code"] as? String == "TOO_MANY_REQUESTS")
        let stats = try fake.get("/_fake/stats").object
        let shopify = (stats["providers"] as? [String: Any])?["shopify"] as? [String: Any]
        #expect((shopify?["statuses"] as? [String: Int])?["503"] == 2)
        #expect((shopify?["faults"] as? [String: Int])?["status"] == 2)
        #expect((shopify?["endpoints"] as? [String: Int])?["orders"] == 3)
        #expect(try fake.post("/_fake/reset-stats").status == 200)
        let reset = (try fake.get("/_fake/stats").object["providers"] as? [String: Any])?["shopify"] as? [String: Any]
        #expect(reset?["requests"] as? Int == 0)
    }

    @Test func dropClosesWithoutAnAnswer() throws {
        let drop = try #require(Fault(spec: "customers:drop:1"))
        let fake = try FakeServer { $0.faults = [drop] }
        let client = try RawClient(port: fake.port)
        try client.send("GET /api/users HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(client.readAll().isEmpty)
        #expect(try fake.get("/api/users").status == 200)
    }

    @Test func truncateAnnouncesTheLengthAndSendsHalf() throws {
        let fake = try FakeServer()
        #expect(try fake.post("/_fake/faults", #"{"provider":"customers","kind":"truncate"}"#).status == 200)
        let client = try RawClient(port: fake.port)
        try client.send("GET /api/users HTTP/1.1\r\nHost: x\r\n\r\n")
        let raw = String(decoding: client.readAll(), as: UTF8.self)
        let parts = raw.components(separatedBy: "\r\n\r\n")
        let length = parts[0].components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
        let announced = Int(length?.split(separator: " ").last ?? "") ?? 0
        #expect(raw.hasPrefix("HTTP/1.1 200"))
        #expect(announced > 0)
        #expect(parts.dropFirst().joined(separator: "\r\n\r\n").utf8.count == announced / 2)
    }

    @Test func slowFaultStillAnswers() throws {
        let fake = try FakeServer()
        #expect(try fake.post("/_fake/faults", #"{"provider":"customers","kind":"slow","delay_ms":50}"#).status == 200)
        #expect(try fake.get("/api/users").status == 200)
        #expect(try fake.post("/_fake/faults", #"{"provider":"nobody","kind":"slow"}"#).status == 400)
        #expect(try fake.post("/_fake/faults", #"{"provider":"zoho","kind":"status","status":200}"#).status == 400)
    }

    @Test func mutateMovesRecordsOnAFixedClock() throws {
        let fake = try FakeServer()
        let before = try fake.dataset()
        let result = try fake.post("/_fake/mutate", #"{"orders":7,"contacts":5,"new_orders":3,"new_contacts":2}"#)
            .object
        let changed = (result["changed_orders"] as? [NSNumber] ?? []).map(\.int64Value)
        let added = (result["new_orders"] as? [NSNumber] ?? []).map(\.int64Value)
        #expect(changed.count == 7 && added.count == 3)
        #expect((result["changed_contacts"] as? [String])?.count == 5)
        #expect((result["new_contacts"] as? [String])?.count == 2)
        let from = try #require(result["from"] as? String)
        #expect(from == "2024-12-20T00:01:00Z")
        // Incremental sync from the mutation time finds exactly the changed and new orders.
        let since = try fake.shopify(Self.orders + "&updated_at_min=\(from)")
        #expect(Set(ShopifyTests.ids(since)) == Set(changed + added))
        let after = try fake.dataset()
        #expect((after["orders"] as? [Any])?.count == (before["orders"] as? [Any] ?? []).count + 3)
        // Records changed together share timestamps (three per second).
        let times = (since.object["orders"] as? [[String: Any]] ?? []).compactMap { $0["updated_at"] as? String }
        #expect(Set(times).count < times.count)
        let token = try fake.zohoToken()
        let contacts = try fake.get(
            "/crm/v8/Contacts?fields=Email",
            headers: ["Authorization: Zoho-oauthtoken \(token)", "If-Modified-Since: \(from)"])
        #expect(ZohoTests.ids(contacts).count == 7)
        #expect(try fake.post("/_fake/mutate", #"{"orders":-1}"#).status == 400)
    }
}
