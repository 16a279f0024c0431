/// Standard base64 (RFC 4648 §4, with padding), for the signature headers. Decoding is strict: the
/// alphabet only, length a multiple of four, padding only at the end, unused bits zero; anything else
/// is nil, so one signature has one spelling.
package enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    package static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index < input.count {
            let remaining = input.count - index
            let b0 = input[index]
            let b1 = remaining > 1 ? input[index + 1] : 0
            let b2 = remaining > 2 ? input[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(remaining > 1 ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(remaining > 2 ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    package static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var index = 0
        while index < input.count {
            let last = index + 4 == input.count
            let padding =
                last ? (input[index + 3] == UInt8(ascii: "=") ? (input[index + 2] == UInt8(ascii: "=") ? 2 : 1) : 0) : 0
            var quad: [UInt8] = [0, 0, 0, 0]
            for offset in 0..<(4 - padding) {
                let value = values[Int(input[index + offset])]
                guard value != 0xFF else { return nil }
                quad[offset] = value
            }
            out.append(quad[0] << 2 | quad[1] >> 4)
            if padding < 2 { out.append(quad[1] << 4 | quad[2] >> 2) } else if quad[1] & 0x0F != 0 { return nil }
            if padding < 1 {
                out.append(quad[2] << 6 | quad[3])
            } else if padding == 1 && quad[2] & 0x03 != 0 {
                return nil
            }
            index += 4
        }
        return out
    }
}
