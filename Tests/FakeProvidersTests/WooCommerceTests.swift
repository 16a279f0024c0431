import Foundation
import Testing

/// The fake WooCommerce (docs/fake-providers.md): Basic auth, paging headers, exclusive
/// `modified_after` in the column `dates_are_gmt` names, WordPress's error shape.
@Suite struct WooCommerceTests {
    static let basic = "Authorization: Basic " + Data("ck_fake:cs_fake".utf8).base64EncodedString()

    @Test func credentialsAreCheckedWithWooCommercesErrors() throws {
        let fake = try FakeServer { $0.wooOrders = 5 }
        let missing = try fake.get("/wp-json/wc/v3/orders")
        #expect(missing.status == 401)
        #expect(missing.object["code"] as? String == "woocommerce_rest_cannot_view")
        let wrong = "Authorization: Basic " + Data("ck_fake:cs_wrong".utf8).base64EncodedString()
        #expect(
            try fake.get("/wp-json/wc/v3/orders", headers: [wrong]).object["message"] as? String
                == "Consumer secret is invalid.")
        #expect(try fake.get("/wp-json/wc/v3/orders?consumer_key=ck_fake&consumer_secret=cs_fake").status == 200)
        let noRoute = try fake.get("/wp-json/wc/v3/nothing", headers: [Self.basic])
        #expect(noRoute.status == 404 && noRoute.object["code"] as? String == "rest_no_route")
        #expect(try fake.get("/wp-json/wc/v3/orders/1", headers: [Self.basic]).status == 404)
    }

    @Test func pagesCarryTotalsAndCoverEveryOrderOnceInModifiedOrder() throws {
        let fake = try FakeServer { $0.wooOrders = 250 }
        var seen: [Int] = []
        var modified: [String] = []
        for page in 1...3 {
            let response = try fake.get(
                "/wp-json/wc/v3/orders?orderby=modified&order=asc&per_page=100&page=\(page)", headers: [Self.basic])
            #expect(response.status == 200)
            #expect(response.headers["x-wp-total"] == "250")
            #expect(response.headers["x-wp-totalpages"] == "3")
            let orders = response.json as? [[String: Any]] ?? []
            seen += orders.compactMap { $0["id"] as? Int }
            modified += orders.compactMap { $0["date_modified_gmt"] as? String }
        }
        #expect(Set(seen).count == 250)
        #expect(modified == modified.sorted())
        let tooMany = try fake.get("/wp-json/wc/v3/orders?per_page=101", headers: [Self.basic])
        #expect(tooMany.status == 400 && tooMany.object["code"] as? String == "rest_invalid_param")
        let past = try fake.get("/wp-json/wc/v3/orders?per_page=100&page=9", headers: [Self.basic])
        #expect(past.text == "[]" && past.headers["x-wp-totalpages"] == "3")
        // The same seed, the same orders.
        let again = try FakeServer { $0.wooOrders = 250 }
        #expect(
            try again.get("/wp-json/wc/v3/orders?per_page=7", headers: [Self.basic]).text
                == (try fake.get("/wp-json/wc/v3/orders?per_page=7", headers: [Self.basic]).text))
    }

    @Test func modifiedAfterIsExclusiveAndReadInTheSitesZoneUnlessGMT() throws {
        let fake = try FakeServer { $0.wooOrders = 40 }
        let all = try fake.get("/wp-json/wc/v3/orders?per_page=100&orderby=modified&order=asc", headers: [Self.basic])
        let orders = all.json as? [[String: Any]] ?? []
        let middle = try #require(orders[20]["date_modified_gmt"] as? String)
        let local = try #require(orders[20]["date_modified"] as? String)
        #expect(local != middle)
        func ids(_ query: String) throws -> Set<Int> {
            let list = try fake.get("/wp-json/wc/v3/orders?per_page=100&\(query)", headers: [Self.basic]).json
            return Set((list as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int })
        }
        let later = Set(
            orders.filter { ($0["date_modified_gmt"] as? String ?? "") > middle }.compactMap { $0["id"] as? Int })
        #expect(try ids("dates_are_gmt=true&modified_after=\(middle)") == later)
        #expect(try ids("modified_after=\(local)") == later)
        let invalid = try fake.get("/wp-json/wc/v3/orders?modified_after=yesterday", headers: [Self.basic])
        #expect(invalid.status == 400)
    }

    @Test func aMutationMovesOrdersOnInOneSecond() throws {
        let fake = try FakeServer { $0.wooOrders = 30 }
        let answer = try fake.post("/_fake/woocommerce/mutate", "{\"orders\":4}").object
        let ids = answer["changed_orders"] as? [Int] ?? []
        let time = try #require(answer["date_modified_gmt"] as? String)
        #expect(ids.count == 4)
        for id in ids {
            #expect(
                try fake.get("/wp-json/wc/v3/orders/\(id)", headers: [Self.basic]).object["date_modified_gmt"]
                    as? String == time)
        }
        #expect(try fake.post("/_fake/woocommerce/mutate", "{}").status == 400)
    }
}
