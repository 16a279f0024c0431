/// A parsed JSON value (RFC 8259). Numbers keep their canonical decimal text, so no precision is lost
/// (order ids can exceed 2^53) and equal values compare equal however they were written.
package enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// Canonical decimal text: `1.0`, `1e0` and `1` all become `1` (see `JSONNumber`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The value of `key` when this is an object.
    package subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// A short name of the value's type for error messages.
    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
