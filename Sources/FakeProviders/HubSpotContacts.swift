/// The fake portal's contacts: live ones by lower-cased email; an archived contact leaves the store (a
/// later upsert of its email creates a new object with a new id, as HubSpot's recycle bin does not match).
struct HubSpotContacts: Sendable {
    /// Most live contacts: past this a create fails (the fake's memory bound, docs/fake-providers.md).
    static let maxContacts = 250_000

    private(set) var byEmail: [String: HubSpotContact] = [:]
    private var nextID = 1
    private(set) var archived = 0

    /// Creates or updates the contact with `email` (a key); an empty value clears a property (HubSpot:
    /// "Properties values can be cleared by passing an empty string", §A.3). `updatedAt` moves only when
    /// a value changed. Nil when a create would pass `maxContacts`.
    mutating func upsert(email: String, properties: [(String, String)], at milliseconds: Int64)
        -> (contact: HubSpotContact, created: Bool)?
    {
        var created = false
        var contact: HubSpotContact
        if let existing = byEmail[email] {
            contact = existing
        } else {
            guard byEmail.count < Self.maxContacts else { return nil }
            contact = HubSpotContact(
                id: nextID, email: email, properties: ["email": email], createdAt: milliseconds,
                updatedAt: milliseconds)
            nextID += 1
            created = true
        }
        var changed = false
        for (name, value) in properties where name != "email" {
            let new: String? = value.isEmpty ? nil : value
            if contact.properties[name] != new {
                contact.properties[name] = new
                changed = true
            }
        }
        if changed && !created { contact.updatedAt = milliseconds }
        byEmail[email] = contact
        return (contact, created)
    }

    /// The live contact with object id `id`.
    func contact(id: Int) -> HubSpotContact? { byEmail.values.first { $0.id == id } }

    /// Archives (removes) a live contact; false when there is none.
    mutating func archive(email: String) -> Bool {
        guard byEmail.removeValue(forKey: email) != nil else { return false }
        archived += 1
        return true
    }

    /// Live contacts with an id above `after`, by id, at most `limit`.
    func page(after: Int, limit: Int) -> [HubSpotContact] {
        Array(byEmail.values.filter { $0.id > after }.sorted { $0.id < $1.id }.prefix(limit))
    }

    mutating func reset() { self = HubSpotContacts() }
}
