import Foundation
import OrderCore
import SQLite
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The WooCommerce pull end to end (issue 12): the real server takes a signed webhook, then `/sync`
/// runs its worker against the fake WooCommerce; the version the webhook stored is found unchanged
/// and only what the webhook missed is stored (docs/realtime.md §2).
@Suite(.serialized) struct WooCommerceSyncTests {
    let directory = TemporaryDirectory()
    var dbPath: String { directory.file("woo.db") }
    static let key = "ck_e2e_key_value"
    static let secret = "cs_e2e_secret_value"
    static let token = "woo-sync-token"

    func scalar(_ sql: String) throws -> Int {
        Int(try Connection(path: dbPath, mode: .readOnly).scalarInt(sql) ?? -1)
    }

    /// The fake's current JSON of one order, byte for byte as WooCommerce would deliver it.
    static func order(_ fakes: FakeProviders, _ id: Int) throws -> String {
        let (status, body) = try runProgram(
            "/usr/bin/curl", ["-sS", "-u", "\(key):\(secret)", "\(fakes.base)/wp-json/wc/v3/orders/\(id)"],
            includeErrors: false)
        #expect(status == 0)
        return body
    }

    /// Delivers `body` to `POST /webhooks/woocommerce`, signed; the answer's status.
    static func deliver(_ server: ServerProcess, _ body: String) throws -> Int {
        let client = try RawClient(port: server.port)
        try client.send(EventEndpointTests.woo(body))
        return try client.readResponse().status
    }

    /// `POST /sync`; the woocommerce connector's report.
    static func sync(_ server: ServerProcess) throws -> JSONValue {
        let (_, answer) = try runProgram(
            "/usr/bin/curl",
            [
                "-sS", "-m", "120", "-X", "POST", "-H", "Authorization: Bearer \(token)",
                "http://127.0.0.1:\(server.port)/sync",
            ],
            includeErrors: false)
        let summary = (try? JSONParser.parse(Array(answer.utf8))) ?? .null
        #expect(summary["status"] == .string("succeeded"), "\(answer)")
        return summary["connectors"]?["woocommerce"] ?? .null
    }

    @Test func aPullFindsTheWebhooksVersionUnchangedAndBackfillsWhatItMissed() throws {
        let fakes = try FakeProviders(arguments: [
            "--orders", "0", "--contacts", "40", "--customers", "0", "--woo-orders", "150",
            "--woocommerce-consumer-key", Self.key, "--woocommerce-consumer-secret", Self.secret,
        ])
        let server = try ServerProcess(
            dbPath: dbPath,
            environment: [
                "AUTH_TOKEN": Self.token, "WOOCOMMERCE_WEBHOOK_SECRET": EventEndpointTests.wooSecret,
                "WOOCOMMERCE_URL": fakes.base, "WOOCOMMERCE_CONSUMER_KEY": Self.key,
                "WOOCOMMERCE_CONSUMER_SECRET": Self.secret, "SYNC_BACKOFF_SECONDS": "0.02",
            ])
        let (_, listing) = try runProgram(
            "/usr/bin/curl",
            [
                "-sS", "-u", "\(Self.key):\(Self.secret)",
                "\(fakes.base)/wp-json/wc/v3/orders?orderby=id&order=asc&per_page=3",
            ],
            includeErrors: false)
        let ids = try JSONParser.parse(Array(listing.utf8)).elements.compactMap { $0["id"]?.int }
        #expect(ids.count == 3)
        let first = try #require(ids.first)

        // A webhook delivers one order; the first pull stores the other 149 and finds that one unchanged.
        #expect(try Self.deliver(server, try Self.order(fakes, first)) == 200)
        #expect(try scalar("SELECT count(*) FROM orders_raw WHERE source = 'woocommerce'") == 1)
        let pulled = try Self.sync(server)
        #expect(pulled["orders_inserted"]?.int == 149, "\(pulled)")
        #expect(pulled["inserted"]?.int == 149)
        // The webhook's version, and the orders at each page's last second, which the next page asks for again.
        #expect((pulled["unchanged"]?.int ?? 0) >= 1)
        #expect(try scalar("SELECT count(*) FROM orders_raw WHERE source = 'woocommerce'") == 150)

        // Three orders change; a webhook brings one of them (WooCommerce does not retry the others).
        let changed = try fakes.control("POST", "/_fake/woocommerce/mutate", "{\"orders\":3}")
        let changedIDs = changed["changed_orders"]?.elements.compactMap(\.int) ?? []
        #expect(changedIDs.count == 3)
        #expect(try Self.deliver(server, try Self.order(fakes, try #require(changedIDs.first))) == 200)
        let backfill = try Self.sync(server)
        #expect(backfill["orders_inserted"]?.int == 2, "\(backfill)")
        #expect(backfill["inserted"]?.int == 2)
        #expect((backfill["unchanged"]?.int ?? 0) >= 1)
        #expect(try scalar("SELECT count(*) FROM orders_raw WHERE source = 'woocommerce'") == 153)
        #expect(
            try scalar(
                "SELECT count(*) FROM (SELECT 1 FROM orders_raw WHERE source = 'woocommerce' GROUP BY order_id, updated_at HAVING count(*) > 1)"
            ) == 0)
        #expect(try scalar("SELECT count(*) FROM latest_order_v WHERE source = 'woocommerce'") == 150)
        #expect(
            try scalar(
                "SELECT count(*) FROM latest_order_v WHERE source = 'woocommerce' AND order_id IN (\(changedIDs.map(String.init).joined(separator: ","))) AND updated_at = (SELECT max(updated_at) FROM orders_raw WHERE source = 'woocommerce')"
            ) == 3)
        server.signal(SIGTERM)
        let (status, log) = server.waitForExit()
        #expect(status == 0)
        #expect(!log.contains(Self.secret))
    }
}
