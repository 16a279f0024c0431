/// An independent, deliberately plain decoder for the strict core of the chunked coding
/// (RFC 9112 §7.1): hex sizes, token extensions, `name: value` trailers, CRLF everywhere. Whatever
/// it accepts, the server's parser must accept too, with the same body: a differential check.
package enum StrictChunkedDecoder {
    /// The body of a complete, strictly valid chunked stream at the start of `bytes` that stays within
    /// the given limits, or nil (invalid, incomplete, lenient or over a limit: then nothing is claimed).
    package static func decode(
        _ bytes: [UInt8], maxBodyBytes: Int, maxTrailerCount: Int, maxTrailerBytes: Int
    ) -> [UInt8]? {
        var position = 0
        var body: [UInt8] = []
        func line() -> ArraySlice<UInt8>? {
            var end = position
            while end + 1 < bytes.count {
                if bytes[end] == 0x0D && bytes[end + 1] == 0x0A {
                    let text = bytes[position..<end]
                    position = end + 2
                    return text
                }
                if bytes[end] == 0x0D || bytes[end] == 0x0A { return nil }
                end += 1
            }
            return nil
        }
        while true {
            guard let sizeLine = line(), sizeLine.count <= 1_024 else { return nil }
            let digits = sizeLine.prefix { hex($0) != nil }
            guard !digits.isEmpty, digits.drop(while: { $0 == UInt8(ascii: "0") }).count <= 6 else { return nil }
            let size = digits.reduce(0) { $0 * 16 + (hex($1) ?? 0) }
            guard validExtensions(sizeLine.dropFirst(digits.count)) else { return nil }
            if size == 0 { break }
            guard body.count + size <= maxBodyBytes, position + size + 2 <= bytes.count else { return nil }
            body.append(contentsOf: bytes[position..<(position + size)])
            position += size
            guard bytes[position] == 0x0D && bytes[position + 1] == 0x0A else { return nil }
            position += 2
        }
        var trailerCount = 0
        var trailerBytes = 0
        while true {
            guard let trailer = line() else { return nil }
            if trailer.isEmpty { return body }
            trailerCount += 1
            trailerBytes += trailer.count
            guard trailerCount <= maxTrailerCount, trailerBytes <= maxTrailerBytes, validField(trailer) else {
                return nil
            }
        }
    }

    private static func hex(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        default: nil
        }
    }

    private static func isToken(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// `*( ";" token [ "=" token ] )`, without white space.
    private static func validExtensions(_ text: ArraySlice<UInt8>) -> Bool {
        var rest = text
        while let first = rest.first {
            guard first == UInt8(ascii: ";") else { return false }
            rest = rest.dropFirst()
            let name = rest.prefix(while: isToken)
            guard !name.isEmpty else { return false }
            rest = rest.dropFirst(name.count)
            if rest.first == UInt8(ascii: "=") {
                rest = rest.dropFirst()
                let value = rest.prefix(while: isToken)
                guard !value.isEmpty else { return false }
                rest = rest.dropFirst(value.count)
            }
        }
        return true
    }

    /// `token ":" value` with printable ASCII in the value.
    private static func validField(_ text: ArraySlice<UInt8>) -> Bool {
        let name = text.prefix(while: isToken)
        guard !name.isEmpty, text.dropFirst(name.count).first == UInt8(ascii: ":") else { return false }
        return text.dropFirst(name.count + 1).allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }
}
