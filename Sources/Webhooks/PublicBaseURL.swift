/// The service's public base URL (configuration `PUBLIC_URL`, e.g. `https://orders.example.com`): what a
/// sender that signs the URL it called (HubSpot's v3 signature,
/// docs/realtime.md §5) had in front of the request target. Behind a proxy or load balancer the server sees
/// its internal address; the URL HubSpot called is only known from configuration (docs/realtime.md §5).
package struct PublicBaseURL: Sendable, Equatable, CustomStringConvertible {
    /// `scheme://authority[/prefix]` as configured, without a trailing `/`.
    package let text: String

    /// Longest base accepted (a configuration value, but bounded like everything else).
    package static let maxBytes = 2_048
    /// Longest request target accepted: the HTTP server bounds its request line too; this keeps the
    /// signed text bounded whoever calls.
    package static let maxTargetBytes = 8_192

    /// nil unless `configured` is `http://` or `https://`, a non-empty authority, an optional path
    /// prefix (a proxy that strips `/prefix` before forwarding), and nothing else: no query, no
    /// fragment, no white space, no byte outside printable ASCII (an international host is written in
    /// its `xn--` form, as HubSpot would have it). One trailing `/` is dropped, so `https://a.example/`
    /// and `https://a.example` are the same base.
    package init?(_ configured: String) {
        var text = configured
        if text.hasSuffix("/") { text.removeLast() }
        guard !text.isEmpty, text.utf8.count <= Self.maxBytes, Self.isVisibleASCII(text) else { return nil }
        let lower = text.lowercased()
        let schemeLength: Int
        if lower.hasPrefix("https://") {
            schemeLength = 8
        } else if lower.hasPrefix("http://") {
            schemeLength = 7
        } else {
            return nil
        }
        let rest = text.utf8.dropFirst(schemeLength)
        let authority = rest.prefix { $0 != UInt8(ascii: "/") }
        guard !authority.isEmpty, !rest.contains(UInt8(ascii: "?")), !rest.contains(UInt8(ascii: "#")),
            !rest.contains(UInt8(ascii: "\\")), !authority.contains(UInt8(ascii: "@"))
        else { return nil }
        // An empty path segment (`https://a.example//x`): no sender is configured with one.
        let segments = rest.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard !segments.dropFirst().contains(where: \.isEmpty) else { return nil }
        self.text = text
    }

    /// The URL the sender called: this base and `target`, the request target exactly as received (path
    /// and query in their order and encoding). nil unless `target` is origin-form (starts with `/`,
    /// RFC 9112 §3.2.1), printable ASCII only, without a fragment, at most `maxTargetBytes` long.
    package func url(requestTarget target: String) -> String? {
        guard target.hasPrefix("/"), target.utf8.count <= Self.maxTargetBytes, Self.isVisibleASCII(target),
            !target.contains("#")
        else { return nil }
        return text + target
    }

    package var description: String { text }

    /// Bytes 0x21–0x7E only: a request line and a configured URL carry no space, control or non-ASCII byte.
    static func isVisibleASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
