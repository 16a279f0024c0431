import OrderCore
import SyncCore
import Testing

@Suite struct LinkHeaderTests {
    @Test func nextAndPreviousAsShopifySendsThem() {
        let header =
            "<https://s.myshopify.com/admin/api/2024-10/orders.json?limit=250&page_info=abc>; rel=\"next\", "
            + "<https://s.myshopify.com/admin/api/2024-10/orders.json?limit=250&page_info=xyz>; rel=\"previous\""
        #expect(
            LinkHeader.target(header, relation: "next")
                == "https://s.myshopify.com/admin/api/2024-10/orders.json?limit=250&page_info=abc")
        #expect(
            LinkHeader.target(header, relation: "previous")
                == "https://s.myshopify.com/admin/api/2024-10/orders.json?limit=250&page_info=xyz")
    }

    @Test func previousOnlyMeansLastPage() {
        #expect(LinkHeader.target("<https://a/x?page_info=1>; rel=\"previous\"", relation: "next") == nil)
    }

    @Test func relationsAreCaseInsensitiveAndMayBeUnquotedOrSeveral() {
        #expect(LinkHeader.target("<https://a/1>; rel=NEXT", relation: "next") == "https://a/1")
        #expect(LinkHeader.target("<https://a/2>;rel=\"prev next\"", relation: "next") == "https://a/2")
        #expect(LinkHeader.target("<https://a/3>; title=\"next\"", relation: "next") == nil)
    }

    @Test func brokenHeadersGiveNothing() {
        for header in ["", "<", "<https://a", "garbage; rel=\"next\"", ">; rel=next", "<>; rel"] {
            #expect(LinkHeader.target(header, relation: "next") == nil, "\(header)")
        }
        #expect(LinkHeader.target("<https://a/1>; rel", relation: "next") == nil)
    }
}

@Suite struct RateLimitHeaderTests {
    @Test func retryAfterSecondsWithAndWithoutFraction() {
        #expect(RateLimitHeaders.retryAfterSeconds("2.0") == 2)
        #expect(RateLimitHeaders.retryAfterSeconds(" 7 ") == 7)
        #expect(RateLimitHeaders.retryAfterSeconds("0") == 0)
    }

    @Test func retryAfterRefusesDatesAndNonsense() {
        for value in ["Wed, 21 Oct 2015 07:28:00 GMT", "-1", "soon", "", "nan", "inf"] {
            #expect(RateLimitHeaders.retryAfterSeconds(value) == nil, "\(value)")
        }
        #expect(RateLimitHeaders.retryAfterSeconds(nil) == nil)
    }

    @Test func shopifyCallLimit() {
        #expect(RateLimitHeaders.shopifyCallLimit("32/40")! == (32, 40))
        for value in ["32", "a/b", "1/0", "-1/40", "1/2/3"] {
            #expect(RateLimitHeaders.shopifyCallLimit(value) == nil, "\(value)")
        }
    }

    @Test func pausesOnlyWhenTheBucketIsNearlyFull() {
        #expect(RateLimitHeaders.shopifyPause(used: 10, size: 40) == 0)
        #expect(RateLimitHeaders.shopifyPause(used: 30, size: 40) == 0)
        // 38 of 40 is 8 over the 75 % mark: at 2 per second, 4 seconds.
        #expect(RateLimitHeaders.shopifyPause(used: 38, size: 40) == 4)
    }
}

@Suite struct BackoffTests {
    @Test func growsExponentiallyWithinJitterAndCap() {
        let backoff = Backoff(base: 0.5, maximum: 30)
        #expect(backoff.delay(retry: 1, unit: 0) == 0.25)
        #expect(backoff.delay(retry: 1, unit: 1) == 0.5)
        #expect(backoff.delay(retry: 3, unit: 0) == 1)
        #expect(backoff.delay(retry: 3, unit: 1) == 2)
        #expect(backoff.delay(retry: 50, unit: 1) == 30)
        #expect(backoff.delay(retry: 50, unit: 0) == 15)
    }
}

@Suite struct ProviderTimeTests {
    @Test func storedIsUTCWithMilliseconds() {
        #expect(ProviderTime.stored("2024-05-03T11:00:12-04:00") == "2024-05-03T15:00:12.000Z")
        #expect(ProviderTime.stored("2024-05-02T12:34:56+02:00") == "2024-05-02T10:34:56.000Z")
        #expect(ProviderTime.stored("yesterday") == nil)
    }

    @Test func filterRoundsDownAndCarriesAnOffset() {
        #expect(ProviderTime.filter("2024-05-03T15:00:12.999Z") == "2024-05-03T15:00:12+00:00")
        #expect(ProviderTime.filter("2024-05-03T15:00:12.000Z") == "2024-05-03T15:00:12+00:00")
        #expect(ProviderTime.filter("nope") == nil)
    }

    @Test func later() {
        #expect(ProviderTime.later(nil, "2024-01-01T00:00:00.000Z") == "2024-01-01T00:00:00.000Z")
        #expect(
            ProviderTime.later("2024-02-01T00:00:00.000Z", "2024-01-01T00:00:00.000Z") == "2024-02-01T00:00:00.000Z")
        #expect(ProviderTime.later(nil, nil) == nil)
    }
}

@Suite struct QueryStringTests {
    @Test func escapesEverythingButUnreserved() {
        #expect(
            QueryString.encode([("updated_at_min", "2024-05-03T15:00:12+00:00")])
                == "updated_at_min=2024-05-03T15%3A00%3A12%2B00%3A00")
        #expect(QueryString.encode([("a b", "x&y=z"), ("é", "~._-")]) == "a%20b=x%26y%3Dz&%C3%A9=~._-")
        #expect(QueryString.appending("page=2", to: "http://h/api/users") == "http://h/api/users?page=2")
        #expect(QueryString.appending("page=2", to: "http://h/api/users?x=1") == "http://h/api/users?x=1&page=2")
    }
}

@Suite struct RecordMappingTests {
    static func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test func shopifyOrderBecomesARecordAndAnOrdersRawRow() throws {
        let value = try Self.parse(
            """
            {"id":5012345678901,"name":"#1042","email":"ana@example.org","created_at":"2024-05-02T09:15:00-04:00",
             "updated_at":"2024-05-03T11:00:12-04:00","cancelled_at":null,"currency":"EUR","total_price":"59.90",
             "financial_status":"paid","fulfillment_status":null,
             "line_items":[{"id":1301,"title":"Mug","quantity":2,"price":"19.95"}]}
            """)
        let (record, order) = try RecordMapping.shopifyOrder(value)
        #expect(record.source == "shopify")
        #expect(record.sourceID == "5012345678901")
        #expect(record.updatedAt == "2024-05-03T15:00:12.000Z")
        #expect(order.orderID == "5012345678901")
        #expect(order.orderDate == "2024-05-02T13:15:00Z")
        #expect(order.status == "paid")
        #expect(order.updatedAt == "2024-05-03T15:00:12.000Z")
        #expect(order.details == "[{\"id\":1301,\"price\":\"19.95\",\"quantity\":2,\"title\":\"Mug\"}]")
        #expect(order.payload == record.payload)
        #expect(try JSONParser.parse(record.payload) == value)
    }

    @Test func shopifyStatusFromItsStates() throws {
        func status(_ fields: String) throws -> String {
            try RecordMapping.shopifyOrder(Self.parse("{\"id\":1,\"created_at\":\"2024-01-01T00:00:00Z\",\(fields)}")).1
                .status
        }
        #expect(try status("\"cancelled_at\":\"2024-01-02T00:00:00Z\",\"financial_status\":\"paid\"") == "cancelled")
        #expect(try status("\"financial_status\":\"refunded\",\"fulfillment_status\":\"fulfilled\"") == "refunded")
        #expect(try status("\"financial_status\":\"paid\",\"fulfillment_status\":\"fulfilled\"") == "fulfilled")
        #expect(try status("\"financial_status\":\"paid\",\"fulfillment_status\":\"partial\"") == "partially_fulfilled")
        #expect(try status("\"financial_status\":\"pending\",\"fulfillment_status\":null") == "pending")
        #expect(try status("\"cancelled_at\":null") == "open")
    }

    @Test func brokenShopifyOrdersAreRefusedWithAReason() throws {
        let broken = [
            "[]", "{\"created_at\":\"2024-01-01T00:00:00Z\"}", "{\"id\":1.5,\"created_at\":\"2024-01-01T00:00:00Z\"}",
            "{\"id\":1}", "{\"id\":1,\"created_at\":\"tuesday\"}",
            "{\"id\":1,\"created_at\":\"2024-01-01T00:00:00Z\",\"updated_at\":17}",
            "{\"id\":\"\",\"created_at\":\"2024-01-01\"}",
        ]
        for text in broken {
            #expect(throws: RecordMapping.Problem.self, "\(text)") { try RecordMapping.shopifyOrder(Self.parse(text)) }
        }
    }

    @Test func zohoContactKeepsItsDigitStringIdAndModifiedTime() throws {
        let record = try RecordMapping.zohoContact(
            Self.parse(
                "{\"id\":\"5725767000001234001\",\"Last_Name\":\"Ruiz\",\"Email\":\"ana@example.org\",\"Modified_Time\":\"2024-05-02T12:34:56+02:00\"}"
            ))
        #expect(record.sourceID == "5725767000001234001")
        #expect(record.updatedAt == "2024-05-02T10:34:56.000Z")
        #expect(throws: RecordMapping.Problem.self) {
            try RecordMapping.zohoContact(Self.parse("{\"Last_Name\":\"X\"}"))
        }
    }

    @Test func genericCustomerHasNoModificationTime() throws {
        let record = try RecordMapping.customer(Self.parse("{\"id\":7,\"email\":\"user7@example.org\"}"))
        #expect(record.source == "customers")
        #expect(record.sourceID == "7")
        #expect(record.updatedAt == nil)
    }

    @Test func equalContentGivesEqualPayloads() throws {
        let a = try RecordMapping.customer(Self.parse("{\"id\":7,\"email\":\"x@y.z\",\"first_name\":\"A\"}"))
        let b = try RecordMapping.customer(Self.parse("{ \"first_name\" : \"A\", \"email\":\"x@y.z\", \"id\": 7.0 }"))
        #expect(a.payload == b.payload)
    }
}

@Suite struct SyncSummaryTests {
    @Test func summaryIsValidJSONWithTotalsAndErrors() throws {
        var summary = SyncSummary()
        summary.runID = 12
        summary.trigger = "scheduler"
        summary.startedAt = "2026-01-01T00:00:00.000Z"
        summary.durationSeconds = 1.2345
        var shopify = ConnectorReport(name: "shopify")
        shopify.fetched = 500
        shopify.pages = 2
        shopify.requests = 4
        shopify.inserted = 490
        shopify.unchanged = 10
        shopify.retries = 2
        var zoho = ConnectorReport(name: "zoho")
        zoho.status = "failed"
        zoho.fetched = 200
        zoho.requests = 7
        summary.connectors = [shopify, zoho]
        summary.errors = [
            SyncFailure(
                connector: "zoho", path: "/crm/v8/Contacts", status: 503, attempts: 6, message: "server \"error\"")
        ]
        let value = try JSONParser.parse(summary.json())
        #expect(value["run_id"] == .number("12"))
        #expect(value["status"] == .string("failed"))
        #expect(value["duration_seconds"] == .number("1.235") || value["duration_seconds"] == .number("1.234"))
        #expect(value["totals"]?["fetched"] == .number("700"))
        #expect(value["totals"]?["requests"] == .number("11"))
        #expect(value["connectors"]?["shopify"]?["retries"] == .number("2"))
        #expect(value["errors"]?.arrayCount == 1)
        #expect(summary.errors[0].description == "zoho /crm/v8/Contacts: server \"error\" (HTTP 503, 6 attempts)")
    }
}

extension JSONValue {
    var arrayCount: Int? {
        if case .array(let elements) = self { return elements.count }
        return nil
    }
}
