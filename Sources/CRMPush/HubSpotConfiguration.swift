/// Where and how to push to HubSpot (docs/customers.md §6).
package struct HubSpotConfiguration: Sendable {
    /// `https://api.hubapi.com`, or a fake's address; no trailing slash.
    package let baseURL: String
    /// A private app's access token (`Authorization: Bearer`); never logged, never in a reason.
    package let token: String
    /// Inputs per batch upsert: HubSpot's cap is 100 (docs/customers.md §6).
    package let batchSize: Int
    package var limits = CRMPushLimits()

    package static let maxBatchSize = 100

    /// Nil when `baseURL` is no http(s) URL, the token is empty or the batch size is outside 1...100.
    package init?(baseURL: String = "https://api.hubapi.com", token: String, batchSize: Int = maxBatchSize) {
        guard CRMURL.isBase(baseURL), !token.isEmpty, !token.contains(where: \.isNewline),
            (1...Self.maxBatchSize).contains(batchSize)
        else { return nil }
        self.baseURL = CRMURL.trimmingSlash(baseURL)
        self.token = token
        self.batchSize = batchSize
    }
}

/// Checks on the base URLs of configuration and of Salesforce's token answer.
enum CRMURL {
    /// An absolute http(s) URL with a host and nothing after the path: no query, fragment, user info,
    /// white space or control characters.
    static func isBase(_ url: String) -> Bool {
        guard url.utf8.count <= 2_048 else { return false }
        let rest: Substring
        if url.hasPrefix("https://") {
            rest = url.dropFirst(8)
        } else if url.hasPrefix("http://") {
            rest = url.dropFirst(7)
        } else {
            return false
        }
        let host = rest.prefix { $0 != "/" }
        return !host.isEmpty
            && !url.unicodeScalars.contains {
                $0.value <= 0x20 || $0.value >= 0x7F || "?#@\\".unicodeScalars.contains($0)
            }
    }

    static func trimmingSlash(_ url: String) -> String {
        var url = Substring(url)
        while url.hasSuffix("/") { url = url.dropLast() }
        return String(url)
    }
}
