import OrderCore

/// One Contact of the fake org: its 18-character id, its fields by canonical name (a cleared field is
/// absent) and its create and modify times.
struct SalesforceContact: Sendable {
    let id: String
    /// Creation order, for listing.
    let number: Int
    var fields: [String: JSONValue]
    /// Milliseconds since 1970.
    let createdAt: Int64
    var modifiedAt: Int64

    /// A field's value as text (external ids and lengths are compared as text).
    func text(_ name: String) -> String? { fields[name].flatMap(Self.text) }

    /// The record as a SOQL query or `GET …/sobjects/Contact/{id}` returns it.
    func json(version: String) -> JSONValue {
        var members: [(String, JSONValue)] = fields.map { ($0.key, $0.value) }
        members.append(
            (
                "attributes",
                JSON.object([
                    ("type", .string("Contact")), ("url", .string("/services/data/\(version)/sobjects/Contact/\(id)")),
                ])
            ))
        members.append(("Id", .string(id)))
        members.append(("CreatedDate", .string(Self.time(createdAt))))
        members.append(("LastModifiedDate", .string(Self.time(modifiedAt))))
        return JSON.object(members)
    }

    /// `2024-05-01T10:00:00.000+0000`, as Salesforce writes date-times.
    static func time(_ milliseconds: Int64) -> String {
        String(Timestamp(millisecondsSinceEpoch: milliseconds).millisecondsText.dropLast()) + "+0000"
    }

    /// A scalar as text: strings as they are, numbers and booleans as their JSON text; nil otherwise.
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }
}
