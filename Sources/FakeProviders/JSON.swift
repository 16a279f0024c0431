import HTTPServer
import OrderCore

/// Short builders for the JSON the fake answers with (OrderCore's canonical writer sorts keys).
enum JSON {
    /// An object from members; a repeated name (a bug in the fake) keeps the last value.
    static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        var unique: [(name: String, value: JSONValue)] = []
        for (name, value) in members {
            unique.removeAll { $0.name == name }
            unique.append((name, value))
        }
        switch JSONObject.make(unique) {
        case .success(let object): return .object(object)
        case .failure: return .null  // unreachable: names were made unique above
        }
    }

    /// A string, or `null`.
    static func string(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }

    /// An integer.
    static func int(_ value: Int64) -> JSONValue { .number(String(value)) }
    static func int(_ value: Int) -> JSONValue { .number(String(value)) }

    /// Cents as Shopify's money strings: 5990 → "59.90".
    static func money(_ cents: Int) -> JSONValue {
        let fraction = String(cents % 100)
        return .string("\(cents / 100).\(fraction.count == 1 ? "0" + fraction : fraction)")
    }

    static func bytes(_ value: JSONValue) -> [UInt8] { JSONWriter.canonical(value) }

    /// A JSON response.
    static func response(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json; charset=utf-8", body: bytes(value))
    }

    /// A JSON response from literal text.
    static func response(_ status: Int, text: String) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json; charset=utf-8", body: Array(text.utf8))
    }
}
