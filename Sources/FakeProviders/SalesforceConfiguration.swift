/// What the fake Salesforce accepts (flags `--salesforce-*`, docs/fake-providers.md "Salesforce").
package struct SalesforceConfiguration: Sendable {
    /// The connected app's consumer key and secret (client-credentials flow,
    /// docs/customers.md §7).
    package var clientID = "sf-fake-client"
    package var clientSecret = "sf-fake-secret"
    /// A session ends after this many seconds without a request (Salesforce's default timeout: 2 hours).
    package var tokenTTLSeconds = 7_200
    /// The org's API requests per day (`Sforce-Limit-Info: api-usage=N/LIMIT`, §B.5).
    package var daily = 100_000
    /// Custom Contact fields besides `Ordersync_Id__c`; each is a unique external-id text field.
    package var customFields: [String] = []

    package static let maxDaily = 1_000_000_000
    package static let maxTokenTTLSeconds = 86_400 * 30

    /// The CLI's defaults.
    package init() {}

    /// Within the named limits.
    package var isValid: Bool {
        (1...Self.maxDaily).contains(daily) && (0...Self.maxTokenTTLSeconds).contains(tokenTTLSeconds)
            && !clientID.isEmpty && customFields.allSatisfy { $0.hasSuffix("__c") && $0.count > 3 }
    }
}
