import OrderCore

/// One user of the reqres-style generic source.
struct FakeUser: Sendable {
    var id: Int
    var email: String
    var firstName: String
    var lastName: String
}

extension FakeUser {
    /// A user as reqres renders it.
    var json: JSONValue {
        JSON.object([
            ("id", JSON.int(id)), ("email", .string(email)), ("first_name", .string(firstName)),
            ("last_name", .string(lastName)), ("avatar", .string("https://reqres.in/img/faces/\(id)-image.jpg")),
        ])
    }
}
