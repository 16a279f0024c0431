import FakeProviders
import Foundation
import Testing

@Suite struct DataSetTests {
    @Test func sameSeedSameDataOtherSeedOtherData() throws {
        let a = try FakeServer { $0.seed = 7 }.get("/_fake/dataset").text
        let b = try FakeServer { $0.seed = 7 }.get("/_fake/dataset").text
        let c = try FakeServer { $0.seed = 8 }.get("/_fake/dataset").text
        #expect(a == b)
        #expect(a != c)
    }

    /// The defaults (seed 1, 5,000 orders and contacts, 120 users): the counts docs/fake-providers.md lists.
    @Test func defaultDataSetQuirks() throws {
        let fake = try FakeServer {
            $0.orders = 5_000
            $0.contacts = 5_000
            $0.customers = 120
        }
        let dataset = try fake.dataset()
        let counts = try #require(dataset["counts"] as? [String: Any])
        #expect(counts["orders_without_email"] as? Int == 250)
        #expect(counts["orders_email_empty"] as? Int == 125)
        #expect(counts["orders_email_null"] as? Int == 125)
        #expect(counts["orders_email_unmatched"] as? Int == 250)
        #expect(counts["orders_email_matched"] as? Int == 4_500)
        #expect(counts["orders_email_with_surrounding_spaces"] as? Int == 500)
        #expect(counts["contacts_without_email"] as? Int == 125)
        #expect(counts["duplicate_email_groups"] as? Int == 200)
        #expect(counts["contacts_with_duplicate_email"] as? Int == 424)
        #expect(counts["largest_duplicate_group"] as? Int == 3)
        #expect(counts["contacts_invalid_phone"] as? Int == 500)
        // White space around values (tabs, CR/LF, NBSP, U+3000, ZWSP, BOM): docs/fake-providers.md.
        #expect(counts["contacts_padded_email"] as? Int == 134)
        #expect(counts["contacts_padded_name"] as? Int == 167)
        #expect(counts["contacts_padded_phone"] as? Int == 133)
        #expect(counts["customers_padded_email"] as? Int == 12)
        #expect((counts["orders_sharing_updated_at"] as? Int ?? 0) >= 1_250)
        #expect((counts["orders_email_differs_from_contact_in_case_or_spaces"] as? Int ?? 0) > 1_000)
        let byStatus = try #require(counts["orders_by_status"] as? [String: Int])
        #expect(byStatus.keys.sorted() == ["cancelled", "closed", "open"])
        // Every time lies before the base date.
        let orders = try #require(dataset["orders"] as? [[String: Any]])
        let contacts = try #require(dataset["contacts"] as? [[String: Any]])
        let base = ISO8601DateFormatter().date(from: "2025-01-01T00:00:00Z") ?? Date()
        let formatter = ISO8601DateFormatter()
        #expect(orders.allSatisfy { formatter.date(from: $0["updated_at"] as? String ?? "") ?? base < base })
        #expect(contacts.allSatisfy { formatter.date(from: $0["modified_time"] as? String ?? "") ?? base < base })
    }

    @Test func newYorkOffsetsFollowDaylightSavingTime() {
        // 2024: DST from 10 March 07:00 UTC to 3 November 06:00 UTC.
        #expect(LocalTime.shopify(1_710_053_999) == "2024-03-10T01:59:59-05:00")
        #expect(LocalTime.shopify(1_710_054_000) == "2024-03-10T03:00:00-04:00")
        #expect(LocalTime.shopify(1_730_613_599) == "2024-11-03T01:59:59-04:00")
        #expect(LocalTime.shopify(1_730_613_600) == "2024-11-03T01:00:00-05:00")
        #expect(LocalTime.zoho(1_714_559_400) == "2024-05-01T16:00:00+05:30")
        #expect(LocalTime.parse("2024-05-01T16:00:00+05:30") == 1_714_559_400)
    }

    @Test func faultSpecs() {
        #expect(Fault(spec: "shopify:status:3:503")?.status == 503)
        #expect(Fault(spec: "zoho:slow:1:2000")?.delayMilliseconds == 2_000)
        #expect(Fault(spec: "zoho-token:rate-limit:2:1.5")?.retryAfterSeconds == 1.5)
        #expect(Fault(spec: "customers:drop:1")?.count == 1)
        #expect(Fault(spec: "customers:drop:1:9") == nil)
        #expect(Fault(spec: "shopify:status:0") == nil)
        #expect(Fault(spec: "stripe:drop:1") == nil)
    }
}
