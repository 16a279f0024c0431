internal import CLibPQ

/// A bound parameter. Sent in text format except `bytes` (binary bytea) and `binary`, so the SQL text
/// never holds a value and no quoting is needed or possible
/// (https://www.postgresql.org/docs/15/libpq-exec.html, PQexecParams).
package enum PGValue: Sendable, Equatable {
    case null
    /// Sent with type "unknown" (OID 0): the server infers it from the context (text, json, timestamptz…).
    case text(String)
    case int64(Int64)
    case double(Double)
    case bool(Bool)
    /// Raw bytes for a bytea parameter, sent in binary format (they may hold NUL bytes).
    case bytes([UInt8])
    /// A value already in PostgreSQL's binary format for the type `oid` (e.g. a text[] from
    /// PGArray.binaryText), sent as it is.
    case binary(oid: UInt32, bytes: [UInt8])

    /// `.text`, or `.null` for nil.
    package init(_ text: String?) {
        self = text.map { .text($0) } ?? .null
    }
}

extension PGValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    package init(stringLiteral value: String) { self = .text(value) }
    package init(integerLiteral value: Int64) { self = .int64(value) }
    package init(floatLiteral value: Double) { self = .double(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(nilLiteral: ()) { self = .null }
}

/// Parameters laid out for PQexecParams and its siblings: every value in one buffer, text values
/// NUL-terminated (libpq ignores the lengths of text parameters and reads up to the NUL).
struct Parameters {
    private var storage: [UInt8] = []
    /// Each value's offset in `storage`; nil for SQL NULL.
    private var offsets: [Int?] = []
    private(set) var types: [Oid] = []
    private(set) var lengths: [Int32] = []
    private(set) var formats: [Int32] = []

    // Type OIDs from pg_type.dat (src/include/catalog); libpq does not export them.
    private static let int8Oid: Oid = 20
    private static let float8Oid: Oid = 701
    private static let boolOid: Oid = 16
    private static let byteaOid: Oid = 17

    /// Lays out `values`; text holding a NUL byte is refused: a PostgreSQL text value cannot hold one,
    /// and libpq would silently cut the value there.
    init(_ values: [PGValue], sql: String?) throws(PostgresError) {
        for (index, value) in values.enumerated() {
            switch value {
            case .null: appendNull()
            case .text(let text):
                guard !text.utf8.contains(0) else {
                    throw PostgresError(
                        kind: .invalidData,
                        message: "parameter $\(index + 1) contains a NUL byte, which PostgreSQL text cannot hold",
                        sqlState: "22021", sql: sql)
                }
                appendText(text.utf8, type: 0)
            case .int64(let number): appendText(String(number).utf8, type: Self.int8Oid)
            case .double(let number): appendText(Self.text(of: number).utf8, type: Self.float8Oid)
            case .bool(let flag): appendText((flag ? "true" : "false").utf8, type: Self.boolOid)
            case .bytes(let bytes): appendBinary(bytes, type: Self.byteaOid)
            case .binary(let oid, let bytes): appendBinary(bytes, type: Oid(oid))
            }
        }
        // A valid address even when every value is empty or NULL.
        storage.append(0)
    }

    var count: Int32 { Int32(offsets.count) }

    /// Calls `body` with the value pointers; valid only inside it.
    func withValuePointers<R>(_ body: ([UnsafePointer<CChar>?]) throws(PostgresError) -> R) throws(PostgresError) -> R {
        let result: Result<R, PostgresError> = storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress)
            let pointers = offsets.map { offset in
                offset.flatMap { base?.advanced(by: $0).assumingMemoryBound(to: CChar.self) }
            }
            do throws(PostgresError) {
                return .success(try body(pointers))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private mutating func appendNull() {
        offsets.append(nil)
        types.append(0)
        lengths.append(0)
        formats.append(0)
    }

    private mutating func appendBinary(_ bytes: [UInt8], type: Oid) {
        offsets.append(storage.count)
        storage.append(contentsOf: bytes)
        types.append(type)
        lengths.append(Int32(bytes.count))
        formats.append(1)
    }

    private mutating func appendText(_ utf8: String.UTF8View, type: Oid) {
        offsets.append(storage.count)
        storage.append(contentsOf: utf8)
        storage.append(0)
        types.append(type)
        lengths.append(0)
        formats.append(0)
    }

    /// float8in reads "Infinity", "-Infinity" and "NaN"; Swift's shortest round-trip digits otherwise.
    private static func text(of number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
        return number.description
    }
}
