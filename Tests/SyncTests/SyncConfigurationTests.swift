import Connectors
import Foundation
import Testing

@Suite struct SyncConfigurationTests {
    @Test func absentConnectorsAreSkippedWithTheirReason() throws {
        let configuration = try SyncConfiguration(environment: [:])
        #expect(configuration.shopify == nil && configuration.zoho == nil && configuration.customers == nil)
        #expect(configuration.skipped.map(\.name) == ["shopify", "zoho", "customers", "woocommerce"])
    }

    @Test func fullConfigurationIsRead() throws {
        let configuration = try SyncConfiguration(environment: [
            "SHOPIFY_SHOP_URL": "https://example.myshopify.com/", "SHOPIFY_ACCESS_TOKEN": "shpat_x",
            "ZOHO_CLIENT_ID": "id", "ZOHO_CLIENT_SECRET": "secret", "ZOHO_REFRESH_TOKEN": "refresh",
            "ZOHO_API_URL": "https://www.zohoapis.eu", "CUSTOMERS_API_URL": "https://reqres.in/api/users",
            "SYNC_DEADLINE_SECONDS": "120", "WOOCOMMERCE_URL": "https://shop.example/store/",
            "WOOCOMMERCE_CONSUMER_KEY": "ck_x", "WOOCOMMERCE_CONSUMER_SECRET": "cs_x",
        ])
        #expect(configuration.wooCommerce?.url == "https://shop.example/store")
        #expect(configuration.shopify?.shopURL == "https://example.myshopify.com")
        #expect(configuration.shopify?.apiVersion == SyncConfiguration.defaultShopifyVersion)
        #expect(configuration.zoho?.accountsURL == "https://accounts.zoho.com")
        #expect(configuration.zoho?.apiURL == "https://www.zohoapis.eu")
        #expect(configuration.customers?.apiKey == nil)
        #expect(configuration.deadlineSeconds == 120)
        #expect(configuration.skipped.isEmpty)
    }

    @Test func secretsComeFromFilesTrimmed() throws {
        let path = NSTemporaryDirectory() + "ordersync-secret-\(UUID().uuidString)"
        try "shpat_from_file\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try SyncConfiguration(environment: [
            "SHOPIFY_SHOP_URL": "https://example.myshopify.com", "SHOPIFY_ACCESS_TOKEN_FILE": path,
        ])
        #expect(configuration.shopify?.token == "shpat_from_file")
    }

    @Test func mistakesAreRefusedNamingTheVariableNotTheValue() throws {
        let cases: [([String: String], String)] = [
            (["SHOPIFY_SHOP_URL": "https://a.myshopify.com"], "SHOPIFY_ACCESS_TOKEN"),
            (["SHOPIFY_ACCESS_TOKEN": "shpat_secret_value"], "SHOPIFY_SHOP_URL"),
            (["SHOPIFY_SHOP_URL": "http://shop.example.com", "SHOPIFY_ACCESS_TOKEN": "shpat_secret_value"], "https"),
            (["SHOPIFY_SHOP_URL": "https://a.myshopify.com/admin", "SHOPIFY_ACCESS_TOKEN": "t"], "no path"),
            (["SHOPIFY_SHOP_URL": "https://user:pw@a.myshopify.com", "SHOPIFY_ACCESS_TOKEN": "t"], "scheme://host"),
            (
                [
                    "SHOPIFY_SHOP_URL": "https://a.myshopify.com", "SHOPIFY_ACCESS_TOKEN": "t",
                    "SHOPIFY_API_VERSION": "latest",
                ], "SHOPIFY_API_VERSION"
            ),
            (["ZOHO_CLIENT_ID": "id"], "must be set together"),
            (
                [
                    "SHOPIFY_ACCESS_TOKEN": "a", "SHOPIFY_ACCESS_TOKEN_FILE": "/etc/hostname",
                    "SHOPIFY_SHOP_URL": "https://a.b",
                ], "not both"
            ),
            (
                ["SHOPIFY_ACCESS_TOKEN_FILE": "/nonexistent/secret", "SHOPIFY_SHOP_URL": "https://a.b"],
                "cannot be read"
            ),
            (["CUSTOMERS_API_URL": "ftp://files.example.com/users"], "CUSTOMERS_API_URL"),
            (["SYNC_DEADLINE_SECONDS": "0"], "SYNC_DEADLINE_SECONDS"),
            (["SYNC_MAX_ATTEMPTS": "many"], "SYNC_MAX_ATTEMPTS"),
        ]
        for (environment, expected) in cases {
            do {
                _ = try SyncConfiguration(environment: environment)
                Issue.record("accepted \(environment)")
            } catch {
                #expect(error.description.contains(expected), "\(error.description)")
                #expect(!error.description.contains("shpat_secret_value"))
            }
        }
    }

    @Test func plainHTTPOnlyForTheLocalMachine() throws {
        for url in ["http://127.0.0.1:8081", "http://localhost:9000", "http://[::1]:80"] {
            let configuration = try SyncConfiguration(environment: [
                "SHOPIFY_SHOP_URL": url, "SHOPIFY_ACCESS_TOKEN": "t",
            ])
            #expect(configuration.shopify?.shopURL == url)
        }
        #expect(throws: SyncConfiguration.Invalid.self) {
            try SyncConfiguration(environment: [
                "SHOPIFY_SHOP_URL": "http://127.0.0.1.evil.com", "SHOPIFY_ACCESS_TOKEN": "t",
            ])
        }
    }
}
