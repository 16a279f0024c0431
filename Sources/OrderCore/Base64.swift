/// Standard base64 (RFC 4648 §4, with padding), for webhook signatures and HTTP Basic credentials.
/// Decoding is strict: the alphabet only, length a multiple of four, padding only at the end, unused
/// bits zero; anything else is nil, so one signature has one spelling.
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
        var input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        // At most two "=" and only at the end: one left over is not in the alphabet below.
        var padding = 0
        while padding < 2, input.last == UInt8(ascii: "=") {
            input.removeLast()
            padding += 1
        }
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 3 / 4)
        var bits: UInt32 = 0
        var pending = 0
        for byte in input {
            let value = values[Int(byte)]
            guard value != 0xFF else { return nil }
            bits = bits << 6 | UInt32(value)
            pending += 6
            if pending >= 8 {
                pending -= 8
                out.append(UInt8(truncatingIfNeeded: bits >> UInt32(pending)))
            }
        }
        // The bits the padding leaves over must be zero: one spelling per value.
        return bits & (1 << UInt32(pending) - 1) == 0 ? out : nil
    }
}
