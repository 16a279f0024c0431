import OrderCore

/// The fake org's Contacts by id, with an index per external-id field (value → id). A deleted Contact
/// leaves the store: a later upsert of its external id creates a new one, as records in the recycle bin
/// are not matched.
struct SalesforceContacts: Sendable {
    /// Most Contacts: past this a create fails with `STORAGE_LIMIT_EXCEEDED` (the fake's memory bound).
    static let maxContacts = 250_000

    private(set) var byID: [String: SalesforceContact] = [:]
    private var index: [String: [String: String]] = [:]
    private var nextNumber = 1
    private(set) var deleted = 0

    /// The Contact whose external-id `field` holds `value` (compared exactly: the fields are configured
    /// case-sensitive).
    func find(_ field: String, _ value: String) -> SalesforceContact? {
        index[field]?[value].flatMap { byID[$0] }
    }

    var isFull: Bool { byID.count >= Self.maxContacts }

    /// Writes `fields` onto the Contact `id` (nil: a new one) at `milliseconds`; null clears a field.
    /// `externalIDs` are the fields to index. Answers the Contact as written.
    mutating func write(
        id: String?, fields: [(name: String, value: JSONValue)], externalIDs: Set<String>, at milliseconds: Int64
    ) -> SalesforceContact {
        var contact: SalesforceContact
        if let id, let existing = byID[id] {
            contact = existing
        } else {
            contact = SalesforceContact(
                id: SalesforceID.contact(nextNumber), number: nextNumber, fields: [:], createdAt: milliseconds,
                modifiedAt: milliseconds)
            nextNumber += 1
        }
        for (name, value) in fields {
            if externalIDs.contains(name), let old = contact.text(name) { index[name]?[old] = nil }
            contact.fields[name] = value == .null ? nil : value
            if externalIDs.contains(name), let new = contact.text(name) { index[name, default: [:]][new] = contact.id }
        }
        contact.modifiedAt = milliseconds
        byID[contact.id] = contact
        return contact
    }

    /// Deletes the Contact whose `field` holds `value`; false when there is none.
    mutating func delete(_ field: String, _ value: String) -> Bool {
        guard let contact = find(field, value) else { return false }
        for (name, _) in index {
            if let text = contact.text(name) { index[name]?[text] = nil }
        }
        byID[contact.id] = nil
        deleted += 1
        return true
    }

    /// Contacts created after number `after`, in creation order, at most `limit`.
    func page(after: Int, limit: Int) -> [SalesforceContact] {
        Array(byID.values.filter { $0.number > after }.sorted { $0.number < $1.number }.prefix(limit))
    }

    mutating func reset() { self = SalesforceContacts() }
}
