import HTTPServer

/// One Zoho CRM contact of the data set. Times are whole seconds since 1970 (UTC).
struct FakeContact: Sendable {
    /// A lookup as Zoho shows it: `{"name": …, "id": "…"}`.
    struct Lookup: Sendable {
        var name: String
        var id: Int64
    }

    /// Zoho ids are long digit strings; kept as a number so that sorting by id is numeric.
    var id: Int64
    var firstName: String?
    /// Mandatory in Zoho: always present.
    var lastName: String
    var email: String?
    var phone: String?
    var account: Lookup?
    var owner: Lookup
    var title: String?
    var mailingCity: String?
    var createdTime: Int64
    var modifiedTime: Int64

    var fullName: String { [firstName, lastName].compactMap { $0 }.joined(separator: " ") }
}

/// One user of the reqres-style generic source.
struct FakeUser: Sendable {
    var id: Int
    var email: String
    var firstName: String
    var lastName: String
}

/// How emails are compared when orders and contacts are merged: surrounding white space trimmed,
/// ASCII letters lower-cased.
enum EmailKey {
    static func of(_ email: String?) -> String? {
        guard let email else { return nil }
        let trimmed = email.trimmingCharacters(in: " \t")
        return trimmed.isEmpty ? nil : trimmed.lowercased()
    }
}
