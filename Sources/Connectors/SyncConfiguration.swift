import ServiceSupport
import SyncCore

/// The sync settings of docs/contract.md §5, from the environment. A connector whose
/// variables are absent is skipped (and reported so); a connector half configured is an error.
package struct SyncConfiguration: Sendable {
    package struct Shopify: Sendable {
        package var shopURL: String
        package var token: String
        package var apiVersion: String
    }

    package struct Zoho: Sendable {
        package var apiURL: String?
        package var accountsURL: String
        package var clientID: String
        package var clientSecret: String
        package var refreshToken: String
    }

    package struct Customers: Sendable {
        package var url: String
        package var apiKey: String?
    }

    package var shopify: Shopify?
    package var zoho: Zoho?
    package var customers: Customers?
    /// SyncConfiguration+WooCommerce.swift.
    package var wooCommerce: WooCommerce?
    /// Why each absent connector is skipped.
    package var skipped: [(name: String, reason: String)] = []
    /// Whole-run limit: below Cloud Scheduler's attempt deadline (3 minutes by default), so the
    /// scheduler always gets an answer (docs/providers.md §6).
    package var deadlineSeconds = 150.0
    package var policy = ProviderClient.Policy()

    /// Shopify's REST version when SHOPIFY_API_VERSION is not set: a stable quarterly version (each is
    /// supported for at least 12 months; pin your own for production).
    package static let defaultShopifyVersion = "2026-01"

    package struct Invalid: Error, CustomStringConvertible {
        package let description: String
    }

    package init(environment: [String: String]) throws(Invalid) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        func secret(_ name: String) throws(Invalid) -> String? {
            do { return try Secrets.value(name, in: environment) } catch {
                throw Invalid(description: error.description)
            }
        }

        let shopURL = value("SHOPIFY_SHOP_URL")
        let shopToken = try secret("SHOPIFY_ACCESS_TOKEN")
        switch (shopURL, shopToken) {
        case (let url?, let token?):
            let version = value("SHOPIFY_API_VERSION") ?? SyncConfiguration.defaultShopifyVersion
            guard SyncConfiguration.isAPIVersion(version) else {
                throw Invalid(description: "SHOPIFY_API_VERSION must look like 2026-01, not \"\(version)\"")
            }
            shopify = Shopify(
                shopURL: try SyncConfiguration.origin(url, "SHOPIFY_SHOP_URL"), token: token, apiVersion: version)
        case (nil, nil): skipped.append(("shopify", "SHOPIFY_SHOP_URL and SHOPIFY_ACCESS_TOKEN are not set"))
        case (nil, _): throw Invalid(description: "SHOPIFY_ACCESS_TOKEN is set but SHOPIFY_SHOP_URL is not")
        case (_, nil): throw Invalid(description: "SHOPIFY_SHOP_URL is set but SHOPIFY_ACCESS_TOKEN is not")
        }

        let zohoSecrets = [
            try secret("ZOHO_CLIENT_ID"), try secret("ZOHO_CLIENT_SECRET"), try secret("ZOHO_REFRESH_TOKEN"),
        ]
        if let id = zohoSecrets[0], let clientSecret = zohoSecrets[1], let refresh = zohoSecrets[2] {
            let accounts = try SyncConfiguration.origin(
                value("ZOHO_ACCOUNTS_URL") ?? "https://accounts.zoho.com", "ZOHO_ACCOUNTS_URL")
            let api = try value("ZOHO_API_URL").map { (url) throws(Invalid) in
                try SyncConfiguration.origin(url, "ZOHO_API_URL")
            }
            zoho = Zoho(
                apiURL: api, accountsURL: accounts, clientID: id, clientSecret: clientSecret, refreshToken: refresh)
        } else if zohoSecrets.allSatisfy({ $0 == nil }) {
            skipped.append(("zoho", "ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET and ZOHO_REFRESH_TOKEN are not set"))
        } else {
            throw Invalid(description: "ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET and ZOHO_REFRESH_TOKEN must be set together")
        }

        if let url = value("CUSTOMERS_API_URL") {
            try SyncConfiguration.checkScheme(url, "CUSTOMERS_API_URL")
            customers = Customers(url: url, apiKey: try secret("CUSTOMERS_API_KEY"))
        } else {
            skipped.append(("customers", "CUSTOMERS_API_URL is not set"))
        }
        try readWooCommerce(environment)

        if let text = value("SYNC_DEADLINE_SECONDS") {
            guard let seconds = Double(text), seconds >= 1, seconds <= 3_600 else {
                throw Invalid(description: "SYNC_DEADLINE_SECONDS must be a number of seconds from 1 to 3600")
            }
            deadlineSeconds = seconds
        }
        if let text = value("SYNC_MAX_ATTEMPTS") {
            guard let attempts = Int(text), (1...20).contains(attempts) else {
                throw Invalid(description: "SYNC_MAX_ATTEMPTS must be an integer from 1 to 20")
            }
            policy.maxAttempts = attempts
        }
        if let text = value("SYNC_BACKOFF_SECONDS") {
            guard let seconds = Double(text), seconds >= 0, seconds <= 60 else {
                throw Invalid(description: "SYNC_BACKOFF_SECONDS must be a number of seconds from 0 to 60")
            }
            policy.backoff.base = seconds
        }
    }

    /// `scheme://host[:port]` without a trailing slash, path, query or credentials.
    static func origin(_ url: String, _ name: String) throws(Invalid) -> String {
        try checkScheme(url, name)
        var text = url
        while text.hasSuffix("/") { text.removeLast() }
        let afterScheme = text.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        // ["https:", "", "host[:port]"] for an origin; anything more is a path.
        guard afterScheme.count == 3, !afterScheme[2].isEmpty, !afterScheme[2].contains("@"),
            !afterScheme[2].contains("?"), !afterScheme[2].contains("#")
        else {
            throw Invalid(
                description: "\(name) must be scheme://host[:port] (no path or query), e.g. https://example.com")
        }
        return text
    }

    /// https, or http for the local machine only (tests, demos): tokens never cross a network in clear.
    static func checkScheme(_ url: String, _ name: String) throws(Invalid) {
        let lower = url.lowercased()
        if lower.hasPrefix("https://") { return }
        let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        if lower.hasPrefix("http://"),
            local.contains(where: { lower.hasPrefix($0 + ":") || lower.hasPrefix($0 + "/") || lower == $0 })
        {
            return
        }
        throw Invalid(description: "\(name) must be an https:// URL (http:// only for localhost)")
    }

    static func isAPIVersion(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-") else { return false }
        let digits = bytes[0..<4] + bytes[5..<7]
        return digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
