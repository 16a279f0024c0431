/// Salesforce record ids: 15 case-sensitive characters (key prefix `003` for Contact) and the 3-character
/// suffix that makes the 18-character form case-insensitive: for each 5-character chunk, a bit per
/// upper-case letter, as an index into `A…Z0…5`.
enum SalesforceID {
    private static let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    private static let suffixAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")

    /// The fake org's id and its integration user's (the token's `id` URL names both).
    static let org = withSuffix("00D5g000000FAKE")
    static let user = withSuffix("0055g000000FAKE")

    /// The `number`th Contact id: `0035g` (a pod's prefix) and the number in base 62 on ten digits.
    static func contact(_ number: Int) -> String {
        var body = [Character](repeating: "0", count: 10)
        var rest = number
        for position in stride(from: 9, through: 0, by: -1) {
            body[position] = digits[rest % 62]
            rest /= 62
        }
        return withSuffix("0035g" + String(body))
    }

    /// The 18-character form of a 15-character id.
    static func withSuffix(_ id: String) -> String {
        let characters = Array(id)
        guard characters.count == 15 else { return id }
        var suffix = ""
        for chunk in 0..<3 {
            var flags = 0
            for offset in 0..<5 where characters[chunk * 5 + offset].isUppercase {
                flags |= 1 << offset
            }
            suffix.append(suffixAlphabet[flags])
        }
        return id + suffix
    }
}
