/// White space that CRM and shop exports leave around values: tabs, CR/LF, no-break and ideographic
/// spaces, zero-width spaces and byte-order marks. The data set pads some emails, names and phones
/// with it, so that a sync exercises the trimming rule of docs/contract.md §2 ("Customers and the merge").
enum HostileWhiteSpace {
    /// (before, after) pairs; `variant` picks one, cycling.
    static let paddings: [(String, String)] = [
        ("\t", " "), ("\u{00A0}", "\r\n"), ("\u{3000}", "\u{200B}"), ("\u{FEFF}", "\t\u{00A0}"),
        ("\r\n ", "\u{2029}"), ("\u{200B}\u{2003}", "\u{0085}"), ("  ", " "),
    ]

    /// `value` with padding number `variant` (any integer, taken modulo the count) around it.
    static func pad(_ value: String, variant: Int) -> String {
        let (before, after) = paddings[variant % paddings.count]
        return before + value + after
    }

    /// `value` with only the trailing half of padding number `variant` (a last name: the white space
    /// then ends the Full_Name Zoho composes, instead of sitting inside it).
    static func padEnd(_ value: String, variant: Int) -> String {
        value + paddings[variant % paddings.count].1
    }
}
