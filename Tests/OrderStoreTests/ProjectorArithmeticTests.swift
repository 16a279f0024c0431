import OrderCore
import OrderStore
import Storage
import SQLite
import Testing
import TestSupport

/// The projector derives a just-appended version in memory instead of reading it back
/// (Sources/OrderStore/Projector.swift): its arithmetic must be SQLite's, exactly, or the projections
/// would drift from their from-scratch twins. Checked against SQLite itself on random values.
@Suite struct ProjectorArithmeticTests {
    @Test func julianMillisecondsAreSQLitesForEveryStoredTimestamp() throws {
        let db = try Connection(path: ":memory:", mode: .readWrite)
        let query = try db.prepare("SELECT CAST(round(julianday(?) * 86400000) AS INTEGER)")
        var random = SeededGenerator(seed: 10)
        let lowest = Timestamp(rfc3339: "0000-01-01T00:00:00Z")!.millisecondsSinceEpoch
        let highest = Timestamp(rfc3339: "9999-12-31T23:59:59.999Z")!.millisecondsSinceEpoch
        var values = [lowest, highest, 0, -1, 951_782_400_000, 4_107_542_399_999]
        for _ in 0..<20_000 { values.append(Int64.random(in: lowest...highest, using: &random)) }
        for ms in values {
            let text = Timestamp(millisecondsSinceEpoch: ms).millisecondsText
            try query.bind(1, text)
            #expect(try query.step())
            let sqlite = query.int64(0)
            query.reset()
            #expect(Projector.julianMilliseconds(text) == sqlite, "\(text)")
        }
    }

    @Test func otherTextIsLeftToSQLite() {
        for text in [
            "2025-08-08T10:00:00Z", "2025-08-08T10:00:00.000+00:00", "2025-08-08 10:00:00.000Z", "2025-13-08T10:00:00.000Z",
            "2025-08-08T24:00:00.000Z", "2025-08-08T10:00:00.00aZ", "", "２０２５-08-08T10:00:00.000Z",
        ] {
            #expect(Projector.julianMilliseconds(text) == nil, "\(text)")
        }
    }

    @Test func lowerCaseIsSQLitesLowerASCIIOnly() throws {
        let db = try Connection(path: ":memory:", mode: .readWrite)
        let query = try db.prepare("SELECT lower(?)")
        var random = SeededGenerator(seed: 11)
        let alphabet = Array("AZaz@[`{ ÉéÀàĞİıßẞ_-0129Σσ漢😀\u{0301}")
        for _ in 0..<5_000 {
            let text = String((0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            try query.bind(1, text)
            #expect(try query.step())
            #expect(Projector.asciiLowercased(text) == query.string(0), "\(text)")
            query.reset()
        }
    }
}
