import Connectors
import OrderCore
import SyncCore
import Testing
import Threads

/// What the connectors make of broken and hostile provider answers (from a script; the real exchange
/// with the fake providers is tested end to end).
@Suite struct ConnectorResponseTests {
    static func client(_ transport: ScriptedTransport, _ name: String) -> ProviderClient {
        var policy = ProviderClient.Policy()
        policy.maxAttempts = 1
        return ProviderClient(
            transport: transport, connector: name, policy: policy, deadline: Threads.monotonicSeconds() + 3_600)
    }

    static func shopify(_ steps: [ScriptedTransport.Step]) -> (ShopifyConnector, ScriptedTransport) {
        let transport = ScriptedTransport(steps)
        let connector = ShopifyConnector(
            shopURL: "https://shop.example", apiVersion: "2026-01", token: "shpat_secret",
            client: client(transport, "shopify"))
        return (connector, transport)
    }

    static func ok(_ body: String, headers: [String: String] = [:]) -> ScriptedTransport.Step {
        .answer(ProviderResponse(status: 200, headers: headers, body: Array(body.utf8)))
    }

    static let order = "{\"id\":1,\"created_at\":\"2024-01-01T00:00:00Z\",\"updated_at\":\"2024-01-02T00:00:00Z\"}"

    @Test func shopifyRefusesBodiesThatAreNotAnOrdersPage() async throws {
        for body in ["<html>maintenance</html>", "", "{\"orders\":{}}", "[]", "{\"orders\":[1,2", "{\"errors\":\"x\"}"]
        {
            let (connector, _) = Self.shopify([Self.ok(body)])
            await #expect(throws: SyncFailure.self, "\(body)") {
                try await connector.fetch(connector.firstPosition(cursor: nil))
            }
        }
    }

    @Test func shopifySkipsUnreadableOrdersAndCountsThem() async throws {
        let (connector, _) = Self.shopify([Self.ok("{\"orders\":[\(Self.order),{\"id\":\"\"},17,{\"id\":2}]}")])
        let page = try await connector.fetch(connector.firstPosition(cursor: nil))
        #expect(page.records.map(\.sourceID) == ["1"])
        #expect(page.orders.count == 1)
        #expect(page.invalid.count == 3)
        #expect(page.next == nil)
    }

    @Test func shopifyNeverFollowsANextLinkToAnotherHost() async throws {
        for link in [
            "<https://evil.example/admin/api/2026-01/orders.json?page_info=x>; rel=\"next\"",
            "<https://shop.example.evil.example/admin?page_info=x>; rel=\"next\"",
        ] {
            let (connector, _) = Self.shopify([Self.ok("{\"orders\":[]}", headers: ["link": link])])
            await #expect(throws: SyncFailure.self, "\(link)") {
                try await connector.fetch(connector.firstPosition(cursor: nil))
            }
        }
        // A saved resume position pointing elsewhere is refused before anything is sent.
        let (connector, transport) = Self.shopify([Self.ok("{\"orders\":[]}")])
        do {
            _ = try await connector.fetch(.object(["url": .string("https://evil.example/orders.json")]))
            Issue.record("followed a foreign URL")
        } catch {
            #expect(error.kind == .invalidPosition)
        }
        #expect(transport.seen.isEmpty)
    }

    @Test func shopifyAsksForEveryStatusFromTheCursorWithItsToken() async throws {
        let (connector, transport) = Self.shopify([Self.ok("{\"orders\":[]}")])
        _ = try await connector.fetch(connector.firstPosition(cursor: "2024-05-03T15:00:12.345Z"))
        let request = try #require(transport.seen.first)
        #expect(request.url.contains("status=any"))
        #expect(request.url.contains("limit=250"))
        #expect(request.url.contains("updated_at_min=2024-05-03T15%3A00%3A12%2B00%3A00"))
        #expect(request.headers.contains { $0.name == "X-Shopify-Access-Token" && $0.value == "shpat_secret" })
    }

    static func zoho(_ steps: [ScriptedTransport.Step]) -> (ZohoConnector, ScriptedTransport) {
        let transport = ScriptedTransport(steps)
        let tokens = ZohoTokens(
            accountsURL: "https://accounts.example", clientID: "id", clientSecret: "secret", refreshToken: "refresh",
            client: client(transport, "zoho"))
        return (
            ZohoConnector(apiURL: "https://api.example", tokens: tokens, client: client(transport, "zoho")), transport
        )
    }

    static let token = ok("{\"access_token\":\"1000.a\",\"expires_in\":3600}")

    @Test func zohoRenewsTheTokenOnceThenGivesUp() async throws {
        let invalid = ScriptedTransport.Step.answer(
            ProviderResponse(status: 401, body: Array("{\"code\":\"INVALID_TOKEN\"}".utf8)))
        let (connector, transport) = Self.zoho([Self.token, invalid, Self.token, invalid])
        do {
            _ = try await connector.fetch(connector.firstPosition(cursor: nil))
            Issue.record("accepted a 401")
        } catch {
            #expect(error.status == 401)
        }
        #expect(transport.seen.filter { $0.path == "/oauth/v2/token" }.count == 2)
        // The secrets travel in the token request's body, never in a URL.
        #expect(transport.seen.allSatisfy { !$0.url.contains("secret") && !$0.url.contains("refresh") })
    }

    @Test func zohoRefusesMoreRecordsBeyondThePageLimitWithoutAToken() async throws {
        let contact = "{\"id\":\"5\",\"Last_Name\":\"L\",\"Modified_Time\":\"2024-01-01T00:00:00+05:30\"}"
        let body = "{\"data\":[\(contact)],\"info\":{\"more_records\":true,\"next_page_token\":null}}"
        let (connector, _) = Self.zoho([Self.token, Self.ok(body)])
        await #expect(throws: SyncFailure.self) {
            try await connector.fetch(.object(["since": .null, "page": .number("10")]))
        }
        let (early, _) = Self.zoho([Self.token, Self.ok(body)])
        let page = try await early.fetch(.object(["since": .null, "page": .number("3")]))
        #expect(page.next == .object(["since": .null, "page": .number("4")]))
    }

    @Test func zohoNoContentIsAnEmptyLastPage() async throws {
        let (connector, _) = Self.zoho([Self.token, .answer(ProviderResponse(status: 204))])
        let page = try await connector.fetch(connector.firstPosition(cursor: "2024-01-01T00:00:00.000Z"))
        #expect(page.records.isEmpty && page.next == nil)
    }

    @Test func customersStopAtTotalPagesAndRefuseAnotherShape() async throws {
        let transport = ScriptedTransport([
            Self.ok("{\"page\":2,\"total_pages\":2,\"data\":[{\"id\":7,\"email\":\"a@b.c\"}]}"),
            Self.ok("{\"users\":[]}"),
        ])
        let connector = CustomersConnector(
            url: "https://c.example/api/users", apiKey: nil, client: Self.client(transport, "customers"))
        let page = try await connector.fetch(.object(["page": .number("2")]))
        #expect(page.records.count == 1 && page.next == nil)
        await #expect(throws: SyncFailure.self) { try await connector.fetch(.object(["page": .number("1")])) }
        await #expect(throws: SyncFailure.self) { try await connector.fetch(.object(["page": .number("-3")])) }
    }
}
