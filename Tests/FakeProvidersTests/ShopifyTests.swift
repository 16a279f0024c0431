import Foundation
import Testing

@Suite struct ShopifyTests {
    /// `<url>; rel="next"` entries of a Link header, by rel.
    static func links(_ response: RawResponse) -> [String: String] {
        var links: [String: String] = [:]
        for entry in (response.headers["link"] ?? "").components(separatedBy: ", ") where !entry.isEmpty {
            let parts = entry.components(separatedBy: "; rel=")
            guard parts.count == 2 else { continue }
            links[parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))] = parts[0]
                .trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
        }
        return links
    }

    /// The path and query of an absolute URL from a Link header.
    static func target(_ url: String, port: UInt16) -> String {
        url.replacingOccurrences(of: "http://127.0.0.1:\(port)", with: "")
    }

    static func ids(_ response: RawResponse) -> [Int64] {
        ((response.object["orders"] as? [[String: Any]]) ?? []).compactMap { ($0["id"] as? NSNumber)?.int64Value }
    }

    @Test func followingNextLinksGivesEveryOrderOnce() throws {
        let fake = try FakeServer { $0.orders = 620 }
        var target = "/admin/api/2024-10/orders.json?status=any&limit=250&order=updated_at+asc"
        var seen: [Int64] = []
        var pages = 0
        while true {
            let response = try fake.shopify(target)
            #expect(response.status == 200)
            seen += Self.ids(response)
            pages += 1
            guard let next = Self.links(response)["next"] else { break }
            #expect(next.hasPrefix("http://127.0.0.1:\(fake.port)/admin/api/2024-10/orders.json?limit=250&page_info="))
            target = Self.target(next, port: fake.port)
        }
        #expect(pages == 3)
        #expect(seen.count == 620)
        #expect(Set(seen).count == 620)
    }

    @Test func noLinkWhenOnePageHoldsEverything() throws {
        let fake = try FakeServer { $0.orders = 40 }
        let response = try fake.shopify("/admin/api/2024-10/orders.json?status=any&limit=250")
        #expect(Self.ids(response).count == 40)
        #expect(response.headers["link"] == nil)
    }

    @Test func statusDefaultsToOpen() throws {
        let fake = try FakeServer()
        let counts = try fake.dataset()["counts"] as? [String: Any]
        let byStatus = counts?["orders_by_status"] as? [String: Int] ?? [:]
        let open = try fake.shopify("/admin/api/2024-10/orders/count.json").object["count"] as? Int
        let any = try fake.shopify("/admin/api/2024-10/orders/count.json?status=any").object["count"] as? Int
        #expect(open == byStatus["open"])
        #expect(any == 300)
        #expect((byStatus["closed"] ?? 0) > 0 && (byStatus["cancelled"] ?? 0) > 0)
    }

    @Test func previousLinkLeadsBack() throws {
        let fake = try FakeServer()
        let first = try fake.shopify("/admin/api/2024-10/orders.json?status=any&limit=50")
        #expect(Self.links(first)["previous"] == nil)
        let secondTarget = Self.target(try #require(Self.links(first)["next"]), port: fake.port)
        let second = try fake.shopify(secondTarget)
        let back = try fake.shopify(Self.target(try #require(Self.links(second)["previous"]), port: fake.port))
        #expect(Self.ids(back) == Self.ids(first))
        #expect(Set(Self.ids(second)).isDisjoint(with: Self.ids(first)))
    }

    @Test func pageInfoRefusesFiltersButKeepsThem() throws {
        let fake = try FakeServer()
        let first = try fake.shopify("/admin/api/2024-10/orders.json?status=closed&limit=5")
        let next = Self.target(try #require(Self.links(first)["next"]), port: fake.port)
        let refused = try fake.shopify(next + "&status=any")
        #expect(refused.status == 400)
        #expect(
            refused.text
                == #"{"status":"status cannot be passed when page_info is present. See https://shopify.dev/api/usage/pagination-rest for more information."}"#
        )
        // Only limit and fields may change; the frozen filter still applies.
        let page = try fake.shopify(next.replacingOccurrences(of: "limit=5", with: "limit=3") + "&fields=id,closed_at")
        let orders = page.object["orders"] as? [[String: Any]] ?? []
        #expect(orders.count == 3)
        #expect(orders.allSatisfy { $0.keys.sorted() == ["closed_at", "id"] && !($0["closed_at"] is NSNull) })
        #expect(
            try fake.shopify("/admin/api/2024-10/orders.json?page_info=forged").text
                == #"{"errors":{"page_info":"Invalid value."}}"#)
    }

    @Test func limitAndTokenRules() throws {
        let fake = try FakeServer()
        #expect(try fake.shopify("/admin/api/2024-10/orders.json?limit=251").status == 400)
        #expect(try fake.shopify("/admin/api/2024-10/orders.json?limit=0").status == 400)
        #expect(Self.ids(try fake.shopify("/admin/api/2024-10/orders.json?status=any")).count == 50)
        let unauthorized = try fake.get("/admin/api/2024-10/orders.json", headers: ["X-Shopify-Access-Token: nope"])
        #expect(unauthorized.status == 401)
        #expect(
            unauthorized.text
                == #"{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}"#)
        #expect(try fake.get("/admin/api/2024-10/orders.json").status == 401)
        #expect(try fake.shopify("/admin/api/2024-13/orders.json").status == 404)
    }

    @Test func updatedAtBoundsAreInclusiveAndTiesShareTheBound() throws {
        let fake = try FakeServer()
        let all = try fake.shopify("/admin/api/2024-10/orders.json?status=any&limit=250&order=updated_at+asc")
        let orders = all.object["orders"] as? [[String: Any]] ?? []
        let times = orders.compactMap { $0["updated_at"] as? String }
        // Orders 1–4 (index 0–3) share one updated_at.
        let tied = try #require(Dictionary(grouping: times, by: { $0 }).first { $0.value.count >= 4 }?.key)
        let encoded = tied.replacingOccurrences(of: "+", with: "%2B")
        let exact = try fake.shopify(
            "/admin/api/2024-10/orders.json?status=any&updated_at_min=\(encoded)&updated_at_max=\(encoded)")
        #expect(Self.ids(exact).count == times.filter { $0 == tied }.count)
        // An unencoded `+` offset arrives as a space: refused, not silently misread.
        let plus = try fake.shopify("/admin/api/2024-10/orders.json?updated_at_min=2024-05-01T00:00:00+02:00")
        #expect(plus.status == 400)
    }

    @Test func sinceIDAndOrderSortAscending() throws {
        let fake = try FakeServer()
        let ids = Self.ids(try fake.shopify("/admin/api/2024-10/orders.json?status=any&limit=250&order=id+asc"))
        #expect(ids == ids.sorted())
        let after = Self.ids(
            try fake.shopify("/admin/api/2024-10/orders.json?status=any&since_id=\(ids[9])&order=id+asc"))
        #expect(after.first == ids[10])
    }

    @Test func leakyBucketRefusesWhenFullAndLeaks() throws {
        let fake = try FakeServer {
            $0.shopifyBucketSize = 3
            $0.shopifyLeakPerSecond = 2
        }
        for used in 1...3 {
            let response = try fake.shopify("/admin/api/2024-10/orders.json?limit=1")
            #expect(response.status == 200)
            #expect(response.headers["x-shopify-shop-api-call-limit"] == "\(used)/3")
        }
        let refused = try fake.shopify("/admin/api/2024-10/orders.json?limit=1")
        #expect(refused.status == 429)
        #expect(refused.headers["retry-after"] == "0.5")
        #expect(refused.headers["x-shopify-shop-api-call-limit"] == "3/3")
        #expect(refused.text.contains("Exceeded 2 calls per second for api client"))
        fake.clock.advance(0.5)
        let admitted = try fake.shopify("/admin/api/2024-10/orders.json?limit=1")
        #expect(admitted.status == 200)
        #expect(admitted.headers["x-shopify-shop-api-call-limit"] == "3/3")
        fake.clock.advance(10)
        #expect(
            try fake.shopify("/admin/api/2024-10/orders.json?limit=1").headers["x-shopify-shop-api-call-limit"]
                == "1/3")
    }

    @Test func orderShape() throws {
        let fake = try FakeServer()
        let response = try fake.shopify("/admin/api/2024-10/orders.json?status=any&limit=250")
        let orders = response.object["orders"] as? [[String: Any]] ?? []
        let order = try #require(orders.first { $0["customer"] is [String: Any] })
        #expect(order["id"] is NSNumber)
        #expect((order["name"] as? String)?.hasPrefix("#") == true)
        #expect(order["total_price"] is String && order["subtotal_price"] is String && order["total_tax"] is String)
        #expect(
            ((order["updated_at"] as? String) ?? "").range(of: #"[-+]\d\d:\d\d$"#, options: .regularExpression) != nil)
        #expect(orders.contains { $0["fulfillment_status"] is NSNull })
        #expect(orders.contains { ($0["email"] as? String) == "" })
        #expect(orders.contains { $0["email"] is NSNull })
        let items = try #require(order["line_items"] as? [[String: Any]])
        #expect(items.allSatisfy { $0["price"] is String && $0["quantity"] is NSNumber })
        let customer = try #require(order["customer"] as? [String: Any])
        #expect(Set(customer.keys).isSuperset(of: ["id", "email", "first_name", "last_name"]))
    }
}
