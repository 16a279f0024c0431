/// Bearer-token check (RFC 6750 §2.1) with a comparison whose time does not depend on where
/// the bytes differ, so the token cannot be guessed byte by byte from response times.
struct Authorization: Sendable {
    private let expected: [UInt8]

    init(token: String) {
        expected = Array(token.utf8)
    }

    /// True when `header` is `Bearer <token>` (the scheme is case-insensitive).
    func allows(_ header: String?) -> Bool {
        guard let header else { return false }
        let bytes = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count > scheme.count,
            zip(bytes.prefix(scheme.count), scheme).allSatisfy({ $0 | 0x20 == $1 | 0x20 })
        else { return false }
        return Authorization.constantTimeEqual(Array(bytes.dropFirst(scheme.count)), expected)
    }

    /// Compares every byte of the expected token whatever the input is; only the length can leak.
    static func constantTimeEqual(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in 0..<expected.count {
            let byte = index < given.count ? given[index] : 0
            difference |= byte ^ expected[index]
        }
        return difference == 0
    }
}
