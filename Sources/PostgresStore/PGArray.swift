package import PostgreSQL

/// A text[] for passing a whole group of values as one bound parameter, in PostgreSQL's binary
/// format. It runs for every column of every group: nothing is quoted here and nothing parsed by the
/// server's array_in (the text literal `{"a","b",NULL}` it replaced took 3 % more backend CPU per group
/// of 1,000 new orders, docs/postgresql.md "Performance").
package enum PGArray {
    /// text[]'s type OID (pg_type.dat; libpq does not export it).
    package static let textArrayOid: UInt32 = 1009
    private static let textOid: UInt32 = 25

    /// `values` in array_send's layout (src/backend/utils/adt/arrayfuncs.c, array_recv reads it): the
    /// number of dimensions, a has-NULL flag, the element type, the one dimension's length and lower
    /// bound, then each element as its byte length (-1 for NULL) and its bytes, integers big-endian.
    /// A NUL byte is refused, as for a text parameter (PostgreSQL text cannot hold one).
    package static func binaryText(_ values: [String?]) throws(PostgresError) -> PGValue {
        var out = binaryStart(
            values.count, values.reduce(0) { $0 + ($1?.utf8.count ?? 0) }, nulls: values.contains(nil))
        for value in values {
            guard var value else {
                appendInt32(&out, -1)
                continue
            }
            let ok = value.withUTF8 { binaryElement(&out, $0) }
            guard ok else { throw nulByte() }
        }
        return .binary(oid: textArrayOid, bytes: out)
    }

    /// The same for values held as UTF-8 bytes (the orders' canonical payloads).
    package static func binaryText(bytes values: [[UInt8]]) throws(PostgresError) -> PGValue {
        var out = binaryStart(values.count, values.reduce(0) { $0 + $1.count }, nulls: false)
        for value in values {
            let ok = value.withUnsafeBufferPointer { binaryElement(&out, $0) }
            guard ok else { throw nulByte() }
        }
        return .binary(oid: textArrayOid, bytes: out)
    }

    private static func binaryStart(_ count: Int, _ bytes: Int, nulls: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(20 + 4 * count + bytes)
        guard count > 0 else {
            // An empty array has no dimensions (array_send writes ndim 0 and nothing after the type).
            appendInt32(&out, 0)
            appendInt32(&out, 0)
            appendInt32(&out, Int32(bitPattern: textOid))
            return out
        }
        appendInt32(&out, 1)
        appendInt32(&out, nulls ? 1 : 0)
        appendInt32(&out, Int32(bitPattern: textOid))
        appendInt32(&out, Int32(count))
        appendInt32(&out, 1)
        return out
    }

    /// Appends one element; false when it holds a NUL byte.
    private static func binaryElement(_ out: inout [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.contains(0) { return false }
        appendInt32(&out, Int32(bytes.count))
        out.append(contentsOf: bytes)
        return true
    }

    private static func appendInt32(_ out: inout [UInt8], _ value: Int32) {
        let bits = UInt32(bitPattern: value)
        out.append(UInt8(truncatingIfNeeded: bits >> 24))
        out.append(UInt8(truncatingIfNeeded: bits >> 16))
        out.append(UInt8(truncatingIfNeeded: bits >> 8))
        out.append(UInt8(truncatingIfNeeded: bits))
    }

    private static func nulByte() -> PostgresError {
        PostgresError(
            kind: .invalidData, message: "an array element contains a NUL byte, which PostgreSQL text cannot hold",
            sqlState: "22021", sql: nil)
    }
}
