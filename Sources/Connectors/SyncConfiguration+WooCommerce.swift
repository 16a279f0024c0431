import ServiceSupport

/// WOOCOMMERCE_URL, WOOCOMMERCE_CONSUMER_KEY and WOOCOMMERCE_CONSUMER_SECRET (README "Sync").
extension SyncConfiguration {
    package struct WooCommerce: Sendable {
        /// The WordPress site without a trailing slash; a path is allowed (WordPress in a folder).
        package var url: String
        package var consumerKey: String
        package var consumerSecret: String
    }

    /// Sets `wooCommerce`, or reports it skipped; half configured is an error like the other connectors.
    mutating func readWooCommerce(_ environment: [String: String]) throws(Invalid) {
        let url = environment["WOOCOMMERCE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let secrets: [String?]
        do {
            secrets = [
                try Secrets.value("WOOCOMMERCE_CONSUMER_KEY", in: environment),
                try Secrets.value("WOOCOMMERCE_CONSUMER_SECRET", in: environment),
            ]
        } catch {
            throw Invalid(description: error.description)
        }
        switch (url, secrets[0], secrets[1]) {
        case (let url?, let key?, let secret?):
            wooCommerce = WooCommerce(
                url: try SyncConfiguration.siteURL(url, "WOOCOMMERCE_URL"), consumerKey: key, consumerSecret: secret)
        case (nil, nil, nil):
            skipped.append(
                ("woocommerce", "WOOCOMMERCE_URL, WOOCOMMERCE_CONSUMER_KEY and WOOCOMMERCE_CONSUMER_SECRET are not set")
            )
        default:
            throw Invalid(
                description:
                    "WOOCOMMERCE_URL, WOOCOMMERCE_CONSUMER_KEY and WOOCOMMERCE_CONSUMER_SECRET must be set together")
        }
    }

    /// `scheme://host[:port][/path]` without a trailing slash, query, fragment or credentials.
    static func siteURL(_ url: String, _ name: String) throws(Invalid) -> String {
        try checkScheme(url, name)
        var text = url
        while text.hasSuffix("/") { text.removeLast() }
        let parts = text.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 3, !parts[2].isEmpty, !text.contains("@"), !text.contains("?"), !text.contains("#") else {
            throw Invalid(
                description: "\(name) must be scheme://host[:port][/path] (no query), e.g. https://shop.example")
        }
        return text
    }
}
