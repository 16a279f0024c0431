/// Opaque cursors (`page_info`, `page_token`): fields joined with `|`, a checksum, base64url. Clients
/// cannot read or forge them; a changed or invented one is refused like the real APIs refuse it.
enum OpaqueCursor {
    /// Encodes fields (which must not contain `|`).
    static func encode(_ fields: [String]) -> String {
        let text = fields.joined(separator: "|")
        return base64URL(Array((text + "|" + String(checksum(text), radix: 36)).utf8))
    }

    /// The fields, or nil when the cursor is not one of ours.
    static func decode(_ cursor: String) -> [String]? {
        guard let bytes = fromBase64URL(cursor) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let bar = text.lastIndex(of: "|") else { return nil }
        let body = String(text[..<bar])
        guard String(checksum(body), radix: 36) == text[text.index(after: bar)...] else { return nil }
        return body.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    }

    /// FNV-1a over a salt and the text: enough to notice an edited cursor, not a security measure.
    private static func checksum(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in Array("ordersync-fake".utf8) + Array(text.utf8) {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3
        }
        return hash
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static func base64URL(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for (position, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * position) }
            for position in 0...chunk.count { out.append(alphabet[Int((value >> (18 - 6 * position)) & 63)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func fromBase64URL(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for byte in text.utf8 {
            guard let value = alphabet.firstIndex(of: byte) else { return nil }
            values.append(UInt8(value))
        }
        guard values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var index = 0
        while index < values.count {
            let chunk = values[index..<min(index + 4, values.count)]
            var value: UInt32 = 0
            for (position, sextet) in chunk.enumerated() { value |= UInt32(sextet) << (18 - 6 * position) }
            for position in 0..<(chunk.count - 1) { out.append(UInt8((value >> (16 - 8 * position)) & 0xFF)) }
            index += 4
        }
        return out
    }
}
