import PostgreSQL
import PostgresStore
import TestSupport
import Testing

/// PGArray sends a group's column as a binary text[] (Sources/PostgresStore/PGArray.swift): checked
/// byte for byte against array_send's layout written out plainly below, and through a real server,
/// element by element, for awkward text (quotes, backslashes, braces, the word NULL, NULLs, non-ASCII,
/// empty strings and arrays). The round trip of whole orders is PostgresEngineTests.awkwardTextComesBackUnchanged.
struct PGArrayTests {
    private static let pieces = [
        "\"", "\\", ",", "{", "}", "NULL", " ", "é", "😀", "a", "\u{3000}", "''", "\\\"", "", "\t\n",
    ]

    private static func randomArrays(_ count: Int, seed: UInt64) -> [[String?]] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            (0..<random.below(6)).map { _ in
                random.below(5) == 0
                    ? nil : (0..<random.below(8)).map { _ in pieces[random.below(pieces.count)] }.joined()
            }
        }
    }

    /// array_send for a one-dimensional text[], the plain way.
    private static func reference(_ values: [String?]) -> [UInt8] {
        func int32(_ value: Int) -> [UInt8] {
            let bits = UInt32(bitPattern: Int32(value))
            return [UInt8(bits >> 24), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits & 0xFF)]
        }
        if values.isEmpty { return int32(0) + int32(0) + int32(25) }
        var out = int32(1) + int32(values.contains(nil) ? 1 : 0) + int32(25) + int32(values.count) + int32(1)
        for value in values {
            if let value { out += int32(value.utf8.count) + Array(value.utf8) } else { out += int32(-1) }
        }
        return out
    }

    @Test func equalsArraySendsLayoutOnRandomText() throws {
        for values in Self.randomArrays(2_000, seed: 7) {
            #expect(try PGArray.binaryText(values) == .binary(oid: 1009, bytes: Self.reference(values)), "\(values)")
            let present = values.compactMap { $0 }
            #expect(
                try PGArray.binaryText(bytes: present.map { Array($0.utf8) })
                    == .binary(oid: 1009, bytes: Self.reference(present)))
        }
    }

    @Test func aNULByteIsRefusedWithItsReason() {
        #expect(throws: PostgresError.self) { try PGArray.binaryText(["ok", "a\u{0}b"]) }
        #expect(throws: PostgresError.self) { try PGArray.binaryText(bytes: [[0x61], [0x00]]) }
    }

    /// What the server reads back from the arrays: each element, NULLs and order kept.
    @Test func aRealServerReadsEveryElementBack() throws {
        let connection = try PGConnection(conninfo: try PostgresCluster.shared().makeDatabase())
        for values in Self.randomArrays(300, seed: 11) + [[], [nil], [""], [nil, nil, "x"]] {
            let result = try connection.query(
                "SELECT u.v, u.i FROM unnest($1::text[]) WITH ORDINALITY AS u (v, i) ORDER BY u.i",
                [try PGArray.binaryText(values)])
            #expect(result.rowCount == values.count, "\(values)")
            for row in 0..<min(result.rowCount, values.count) {
                #expect(result.string(row, 0) == values[row], "\(values) element \(row + 1)")
            }
            let present = values.compactMap { $0 }
            let fromBytes = try connection.query(
                "SELECT coalesce(array_length($1::text[], 1), 0), $1::text[] = $2::text[]",
                [try PGArray.binaryText(bytes: present.map { Array($0.utf8) }), try PGArray.binaryText(present)])
            #expect(fromBytes.string(0, 0) == String(present.count))
            #expect(fromBytes.string(0, 1) == "t")
        }
    }
}
