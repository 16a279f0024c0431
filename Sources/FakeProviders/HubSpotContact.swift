import OrderCore

/// One contact in the fake HubSpot portal: an object id ("1", "2", … as strings), its properties as
/// strings (HubSpot's model is a map of string to string, docs/customers.md §6), keyed by the
/// lower-cased email.
struct HubSpotContact: Sendable {
    let id: Int
    /// The lower-cased email, also the `email` property.
    let email: String
    var properties: [String: String]
    /// Milliseconds since 1970.
    let createdAt: Int64
    var updatedAt: Int64

    /// The properties HubSpot returns when a read names none (its default contact properties).
    static let defaultReadProperties = [
        "createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname",
    ]

    /// A stored or system property's value.
    func value(_ name: String) -> String? {
        switch name {
        case "hs_object_id": String(id)
        case "createdate": Self.time(createdAt)
        case "lastmodifieddate": Self.time(updatedAt)
        default: properties[name]
        }
    }

    /// `SimplePublicObject`: `id`, `properties`, `createdAt`, `updatedAt`, `archived`. `names` picks the
    /// properties (unset ones are null, as HubSpot answers them); nil gives every stored one and the
    /// system ones.
    func json(properties names: [String]? = nil) -> JSONValue {
        let chosen = names ?? (Array(properties.keys) + ["hs_object_id", "createdate", "lastmodifieddate"])
        return JSON.object([
            ("id", .string(String(id))),
            ("properties", JSON.object(chosen.map { ($0, JSON.string(value($0))) })),
            ("createdAt", .string(Self.time(createdAt))), ("updatedAt", .string(Self.time(updatedAt))),
            ("archived", .bool(false)),
        ])
    }

    /// `2024-09-16T12:11:28.596Z`, as HubSpot writes times.
    static func time(_ milliseconds: Int64) -> String {
        Timestamp(millisecondsSinceEpoch: milliseconds).millisecondsText
    }
}
