/// The email rule both fake CRMs apply, stricter than ordersync's own (docs/fake-providers.md): HubSpot
/// answers `INVALID_EMAIL` and Salesforce `INVALID_EMAIL_ADDRESS` for an address they cannot deliver to.
/// RFC 2606 reserves `.invalid` for names that must never resolve; ordersync accepts such addresses, the
/// CRMs refuse them, which is how tests make exactly one record of a batch fail.
enum CRMEmail {
    /// Longest address (RFC 5321 §4.5.3.1.3: a path holds 256 octets with its angle brackets).
    static let maxLength = 254

    /// False without an `@`, with an empty local part or domain, a domain without an inner dot, a domain
    /// ending in `.invalid`, white space or control characters, or more than `maxLength` bytes.
    static func isValid(_ address: String) -> Bool {
        guard address.utf8.count <= maxLength, let at = address.lastIndex(of: "@") else { return false }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty, domain.contains("."), !domain.hasPrefix("."),
            !domain.hasSuffix("."), !domain.contains("..")
        else { return false }
        guard !domain.lowercased().hasSuffix(".invalid") else { return false }
        return address.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F && !$0.properties.isWhitespace }
    }

    /// The key both CRMs match an address by: ASCII lower case (HubSpot: "CRM match is exact", so
    /// ordersync lower-cases; docs/customers.md §6).
    static func key(_ address: String) -> String {
        String(decoding: address.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}
