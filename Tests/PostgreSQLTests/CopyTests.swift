import PostgreSQL
import TestSupport
import Testing

@Suite struct CopyTests {
    static let awkward: [[String?]] = [
        ["1", "plain", "x"],
        ["2", "tab\there", nil],
        ["3", "new\nline", "cr\rhere"],
        ["4", "back\\slash", "\\N"],  // the two characters \N, not NULL
        ["5", "", "\\."],  // an empty string is not NULL; \. alone would end the data
        ["6", "żółć 🚀 日本", "ends with a backslash\\"],
        ["7", nil, "trailing tab\t"],
        ["8", "\r\n", "\\\\t"],
    ]

    /// Awkward text through COPY's text format, in 7-byte chunks (splitting escapes and UTF-8
    /// sequences), comes back row for row.
    @Test func roundTripsAwkwardText() throws {
        let connection = try freshConnection()
        try connection.execute("CREATE TABLE lines (id int PRIMARY KEY, a text, b text)")
        var data: [UInt8] = []
        for row in Self.awkward { try PGCopyText.appendRow(row, to: &data) }
        let copy = try connection.copyIn("COPY lines (id, a, b) FROM STDIN")
        var offset = 0
        while offset < data.count {
            try copy.put(Array(data[offset..<min(offset + 7, data.count)]))
            offset += 7
        }
        #expect(try copy.end() == Int64(Self.awkward.count))
        let stored = try connection.query("SELECT id::text, a, b FROM lines ORDER BY id")
        #expect(rows(stored) == Self.awkward)
    }

    @Test func malformedDataFailsTheWholeCopy() throws {
        let connection = try freshConnection()
        try connection.execute("CREATE TABLE numbers (n int)")
        let copy = try connection.copyIn("COPY numbers FROM STDIN")
        try copy.put("1\n2\nthree\n4\n")
        let error = try #require(throws: PostgresError.self) { try copy.end() }
        #expect(error.sqlState == "22P02")
        #expect(error.kind == .invalidData)
        #expect(try connection.query("SELECT count(*) FROM numbers").int64(0, 0) == 0)
    }

    @Test func abortedCopyStoresNothing() throws {
        let connection = try freshConnection()
        try connection.execute("CREATE TABLE numbers (n int)")
        let copy = try connection.copyIn("COPY numbers FROM STDIN")
        try copy.put("1\n2\n")
        copy.abort("the client gave up")
        #expect(try connection.query("SELECT count(*) FROM numbers").int64(0, 0) == 0)
        do {
            let abandoned = try connection.copyIn("COPY numbers FROM STDIN")
            try abandoned.put("3\n")
        }
        #expect(try connection.query("SELECT count(*) FROM numbers").int64(0, 0) == 0)
    }

    @Test func copyOfAMissingTableOrNotACopy() throws {
        let connection = try freshConnection()
        let missing = try #require(throws: PostgresError.self) { try connection.copyIn("COPY nowhere FROM STDIN") }
        #expect(missing.sqlState == "42P01")
        let notCopy = try #require(throws: PostgresError.self) { try connection.copyIn("SELECT 1") }
        #expect(notCopy.message.contains("COPY"))
        // A COPY slipped into `query` is refused and ended, not left hanging.
        try connection.execute("CREATE TABLE numbers (n int)")
        #expect(throws: PostgresError.self) { try connection.query("COPY numbers FROM STDIN") }
        #expect(try connection.query("SELECT 7").int64(0, 0) == 7)
    }

    @Test func escapingRules() throws {
        #expect(try PGCopyText.escape(nil) == "\\N")
        #expect(try PGCopyText.escape("a\\b\tc\nd\re") == "a\\\\b\\tc\\nd\\re")
        #expect(try PGCopyText.escape("\\N") == "\\\\N")
        #expect(throws: PostgresError.self) { try PGCopyText.escape("nul\u{0}byte") }
    }
}
