/// A short content fingerprint for the request log: 64-bit FNV-1a over canonical JSON, as 16 hex digits.
/// Not a cryptographic hash (nothing is signed with it): equal records give equal fingerprints, so a test
/// can tell which version of a customer a request carried without keeping every body.
enum Fingerprint {
    static func of(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 16)
        for index in 0..<16 { out[index] = digits[Int((hash >> UInt64(60 - 4 * index)) & 0xF)] }
        return String(decoding: out, as: UTF8.self)
    }
}
