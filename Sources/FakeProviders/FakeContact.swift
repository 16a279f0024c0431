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
