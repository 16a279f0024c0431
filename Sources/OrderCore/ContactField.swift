/// How customer fields (emails, names, phones, companies) are normalised before records are compared:
/// the one rule of docs/contract.md §2 "Customers and the merge". The SQL views that key customers
/// (`contact_records_v`, `shopify_orders_v`) apply the same rule with `trim(x, <these characters>)`
/// and SQLite's `lower()`, which is ASCII-only unless SQLite is built with ICU; Tests/SyncTests
/// ContactFieldTests checks that both give the same answer.
package enum ContactField {
    /// Trimmed from both ends: every code point with Unicode's White_Space property, plus the zero-width
    /// space (U+200B) and the byte-order mark (U+FEFF), which CRM and shop exports leave around values
    /// and which nobody can see.
    package static let trimmedScalars: [Unicode.Scalar] = [
        "\u{0009}", "\u{000A}", "\u{000B}", "\u{000C}", "\u{000D}", "\u{0020}", "\u{0085}", "\u{00A0}",
        "\u{1680}", "\u{2000}", "\u{2001}", "\u{2002}", "\u{2003}", "\u{2004}", "\u{2005}", "\u{2006}",
        "\u{2007}", "\u{2008}", "\u{2009}", "\u{200A}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}",
        "\u{3000}", "\u{200B}", "\u{FEFF}",
    ]

    private static let trimmedSet = Set(trimmedScalars)

    /// `value` without the `trimmedScalars` at either end; nil when nothing is left (or `value` is nil).
    /// Works on Unicode scalars, not Characters, as SQLite's `trim` does: `"\r\n"` is one Character
    /// but two trimmed scalars, and a combining mark after a space is kept when the space goes.
    package static func trimmed(_ value: String?) -> String? {
        guard let value else { return nil }
        let scalars = value.unicodeScalars
        guard let first = scalars.firstIndex(where: { !trimmedSet.contains($0) }),
            let last = scalars.lastIndex(where: { !trimmedSet.contains($0) })
        else { return nil }
        return String(scalars[first...last])
    }

    /// The key customers are matched on: `trimmed(email)` with ASCII `A`-`Z` lower-cased. Everything
    /// else is kept as it is: non-ASCII letters (`É` stays `É`, as SQLite's built-in `lower()` leaves
    /// it) and white space inside the value (`"ana ruiz@x.org"` keys as itself, so it matches only the
    /// same text; such an email is also not valid, see `contact_records_v`). Nil when nothing is left.
    package static func emailKey(_ email: String?) -> String? {
        guard let trimmed = trimmed(email) else { return nil }
        var key = String.UnicodeScalarView()
        for scalar in trimmed.unicodeScalars {
            let isUpper = scalar.value >= 0x41 && scalar.value <= 0x5A
            key.append(isUpper ? Unicode.Scalar(UInt8(scalar.value + 0x20)) : scalar)
        }
        return String(key)
    }
}
