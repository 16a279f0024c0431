/// A PostgreSQL array literal of text (`{"a","b",NULL}`), for passing a whole group of values as one
/// bound parameter (https://www.postgresql.org/docs/15/arrays.html#ARRAYS-IO): every element quoted,
/// backslashes and quotes escaped, NULL unquoted. Built as bytes: it runs for every column of every
/// group, and appending scalar by scalar to a String took half the writer's CPU in a bulk load
/// (perf, bench/RESULTS.md "PostgreSQL").
package enum PGArray {
    package static func text(_ values: [String?]) -> String {
        var out = start(values.count, values.reduce(0) { $0 + ($1?.utf8.count ?? 4) })
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(comma) }
            guard var value else {
                out.append(contentsOf: "NULL".utf8)
                continue
            }
            value.withUTF8 { element(&out, $0) }
        }
        return finish(&out)
    }

    /// The same for values held as UTF-8 bytes (the orders' canonical payloads).
    package static func text(bytes values: [[UInt8]]) -> String {
        var out = start(values.count, values.reduce(0) { $0 + $1.count })
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(comma) }
            value.withUnsafeBufferPointer { element(&out, $0) }
        }
        return finish(&out)
    }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), comma = UInt8(ascii: ",")

    private static func start(_ count: Int, _ bytes: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes + 3 * count + 2)
        out.append(UInt8(ascii: "{"))
        return out
    }

    private static func element(_ out: inout [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) {
        out.append(quote)
        if bytes.contains(where: { $0 == quote || $0 == backslash }) {
            for byte in bytes {
                if byte == quote || byte == backslash { out.append(backslash) }
                out.append(byte)
            }
        } else {
            out.append(contentsOf: bytes)
        }
        out.append(quote)
    }

    private static func finish(_ out: inout [UInt8]) -> String {
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
