import HTTPServer

/// The parameters of a query string (`a=1&b=2`), percent-decoded, `+` read as a space
/// (the form encoding browsers and curl's `--data-urlencode -G` use).
struct QueryParameters {
    private var pairs: [(String, String)] = []

    /// Parses `query`; nil when an escape is malformed or a part is not UTF-8.
    init?(_ query: Substring?) {
        guard let query, !query.isEmpty else { return }
        for part in query.split(separator: "&") {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentDecoding.decode(pieces[0], plusIsSpace: true),
                let value = PercentDecoding.decode(pieces.count > 1 ? pieces[1] : "", plusIsSpace: true)
            else { return nil }
            pairs.append((name, value))
        }
    }

    /// The value of `name`; repeating a parameter is ambiguous, so it reads as nil via `duplicates`.
    subscript(name: String) -> String? {
        pairs.first { $0.0 == name }?.1
    }

    /// Names given more than once.
    var duplicates: [String] {
        var seen: Set<String> = []
        var repeated: [String] = []
        for (name, _) in pairs where !seen.insert(name).inserted { repeated.append(name) }
        return repeated
    }

    var names: [String] { pairs.map(\.0) }
}

/// Encodes a query parameter value for a URL we hand out (the `Link` header).
enum PercentEncoding {
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out +=
                    "%" + String(byte >> 4, radix: 16, uppercase: true)
                    + String(byte & 0x0F, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
