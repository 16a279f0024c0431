/// Where and how to push to Salesforce (docs/customers.md §7).
package struct SalesforceConfiguration: Sendable {
    /// The My Domain URL the token is asked of (`https://<MyDomain>.my.salesforce.com`), or a fake's.
    /// The API itself is called at the `instance_url` the token answer names.
    package let loginURL: String
    /// The connected app's consumer key and secret (client-credentials flow);
    /// sent in a form body only, never logged.
    package let clientID: String
    package let clientSecret: String
    /// The pinned API version, `62.0`: sObject Collections upsert needs 46.0 or later, and answers
    /// change with the version.
    package let apiVersion: String
    /// The Contact's custom external id field that holds ordersync's customer id (`Ordersync_Id__c`):
    /// upserts match on it, so a changed email never makes a second Contact.
    package let externalIDField: String
    /// Records per collection upsert: Salesforce's cap is 200 (docs/customers.md §7).
    package let batchSize: Int
    package var limits = CRMPushLimits()

    package static let maxBatchSize = 200

    /// Nil when a URL is no http(s) base URL, a secret is empty, the version is not `NN.N` at 46.0 or
    /// later, the field is no API name (letters, digits, `_`, a letter first, at most 80) or one the
    /// mapping already sends, or the batch size is outside 1...200.
    package init?(
        loginURL: String, clientID: String, clientSecret: String, apiVersion: String = "62.0",
        externalIDField: String, batchSize: Int = maxBatchSize
    ) {
        guard CRMURL.isBase(loginURL), !clientID.isEmpty, !clientSecret.isEmpty, Self.isVersion(apiVersion),
            Self.isFieldName(externalIDField), !CRMFieldMap.salesforceFieldNames.contains(externalIDField),
            (1...Self.maxBatchSize).contains(batchSize)
        else { return nil }
        self.loginURL = CRMURL.trimmingSlash(loginURL)
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.apiVersion = apiVersion
        self.externalIDField = externalIDField
        self.batchSize = batchSize
    }

    static func isVersion(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) }),
            let major = Int(parts[0]), Int(parts[1]) != nil
        else { return false }
        return major >= 46
    }

    static func isFieldName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= 80,
            ("A"..."Z").contains(first) || ("a"..."z").contains(first)
        else { return false }
        return text.unicodeScalars.allSatisfy {
            ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
        }
    }
}
