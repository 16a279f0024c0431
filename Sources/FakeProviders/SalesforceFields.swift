/// The Contact fields of the fake org: Salesforce's standard writable fields with their lengths, the
/// fields it sets itself, and the org's custom fields (each a unique, case-sensitive external-id text
/// field of 255 characters). Field names are case-insensitive in the REST API, so lookups fold case and
/// answer the canonical spelling.
struct SalesforceFields: Sendable {
    /// Standard writable Contact fields and their maximum lengths (Salesforce's Contact object reference;
    /// picklists and dates are checked as text).
    static let standard: [(String, Int)] = [
        ("Salutation", 40), ("FirstName", 40), ("LastName", 80), ("MiddleName", 40), ("Suffix", 40),
        ("Email", 80), ("Phone", 40), ("MobilePhone", 40), ("HomePhone", 40), ("OtherPhone", 40), ("Fax", 40),
        ("Title", 128), ("Department", 80), ("Birthdate", 10), ("Description", 32_000), ("LeadSource", 255),
        ("MailingStreet", 255), ("MailingCity", 40), ("MailingState", 80), ("MailingPostalCode", 20),
        ("MailingCountry", 80), ("OtherStreet", 255), ("OtherCity", 40), ("OtherState", 80),
        ("OtherPostalCode", 20), ("OtherCountry", 80), ("AccountId", 18), ("OwnerId", 18),
        ("AssistantName", 40), ("AssistantPhone", 40), ("ReportsToId", 18), ("HasOptedOutOfEmail", 5),
        ("HasOptedOutOfFax", 5), ("DoNotCall", 5),
    ]
    /// Fields Salesforce sets: writing one is `INVALID_FIELD_FOR_INSERT_UPDATE`.
    static let system = [
        "Id", "Name", "IsDeleted", "CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById",
        "SystemModstamp", "MasterRecordId", "PhotoUrl",
    ]
    /// The custom field ordersync keys its customers by.
    static let ordersyncID = "Ordersync_Id__c"
    static let customLength = 255

    /// What a name is.
    enum Kind: Equatable {
        case writable(maxLength: Int)
        case externalID
        case system
    }

    private var byLowercased: [String: (name: String, kind: Kind)] = [:]

    init(customFields: [String]) {
        for (name, length) in Self.standard { byLowercased[name.lowercased()] = (name, .writable(maxLength: length)) }
        for name in Self.system { byLowercased[name.lowercased()] = (name, .system) }
        for name in [Self.ordersyncID] + customFields { byLowercased[name.lowercased()] = (name, .externalID) }
    }

    /// The canonical spelling and kind of `name`; nil for a field the org does not have.
    func lookup(_ name: String) -> (name: String, kind: Kind)? { byLowercased[name.lowercased()] }
}
