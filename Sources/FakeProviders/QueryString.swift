import HTTPServer

/// Parameters of a query string or an `application/x-www-form-urlencoded` body, in order (`+` is a
/// space, as HTML forms and Rails read it: an unencoded `+02:00` offset arrives as ` 02:00`).
struct QueryString: Sendable {
    private(set) var pairs: [(name: String, value: String)] = []

    /// Nil when an escape is malformed.
    init?(_ text: Substring?) {
        guard let text, !text.isEmpty else { return }
        for part in text.split(separator: "&") where !part.isEmpty {
            let halves = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentDecoding.decode(halves[0], plusIsSpace: true),
                let value = PercentDecoding.decode(halves.count > 1 ? halves[1] : "", plusIsSpace: true)
            else { return nil }
            pairs.append((name, value))
        }
    }

    /// The first value of `name`.
    subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    var names: [String] { pairs.map(\.name) }

    /// Percent-encodes a value for a URL query (RFC 3986 unreserved characters stay).
    static func encode(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }
}
