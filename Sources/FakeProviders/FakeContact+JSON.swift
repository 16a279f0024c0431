import OrderCore

/// Contacts as Zoho CRM renders them (docs/providers.md §2): ids as digit strings, lookups as `{name,id}`,
/// times with the user's offset.
extension FakeContact {
    /// Field API names the fake knows; others asked for in `fields` are ignored.
    static let fieldNames: [String] = [
        "First_Name", "Last_Name", "Full_Name", "Email", "Phone", "Mobile", "Account_Name", "Owner", "Title",
        "Mailing_City", "Created_Time", "Modified_Time",
    ]

    /// The record with `id` and the `fields` asked for (all known fields when nil).
    func json(fields: [String]?) -> JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(String(id)))]
        for name in fields ?? FakeContact.fieldNames {
            guard let value = value(of: name) else { continue }
            members.append((name, value))
        }
        return JSON.object(members)
    }

    private func value(of field: String) -> JSONValue? {
        switch field {
        case "First_Name": JSON.string(firstName)
        case "Last_Name": .string(lastName)
        case "Full_Name": .string(fullName)
        case "Email": JSON.string(email)
        case "Phone": JSON.string(phone)
        case "Mobile": .null
        case "Account_Name":
            account.map { JSON.object([("name", .string($0.name)), ("id", .string(String($0.id)))]) } ?? .null
        case "Owner":
            JSON.object([
                ("name", .string(owner.name)), ("id", .string(String(owner.id))),
                ("email", .string(Vocabulary.owners.first { $0.0 == owner.name }?.1 ?? "rep@example.org")),
            ])
        case "Title": JSON.string(title)
        case "Mailing_City": JSON.string(mailingCity)
        case "Created_Time": .string(LocalTime.zoho(createdTime))
        case "Modified_Time": .string(LocalTime.zoho(modifiedTime))
        default: nil
        }
    }
}
