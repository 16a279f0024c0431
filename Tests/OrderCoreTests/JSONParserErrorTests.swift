import OrderCore
import Testing

/// Malformed JSON: refused with the right reason and position (byte offset, 1-based line and byte column).
@Suite struct JSONParserErrorTests {
    private func expectError(
        _ bytes: [UInt8], offset: Int, line: Int = 1, column: Int? = nil, reason: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let error = syntaxError(bytes) else {
            Issue.record("parsed without error", sourceLocation: sourceLocation)
            return
        }
        #expect(error.offset == offset, sourceLocation: sourceLocation)
        #expect(error.line == line, sourceLocation: sourceLocation)
        #expect(error.column == column ?? offset + 1, sourceLocation: sourceLocation)
        #expect(error.reason.contains(reason), "\(error.reason)", sourceLocation: sourceLocation)
    }

    private func expectError(
        _ text: String, offset: Int, line: Int = 1, column: Int? = nil, reason: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        expectError(
            Array(text.utf8), offset: offset, line: line, column: column, reason: reason, sourceLocation: sourceLocation
        )
    }

    /// A string literal around raw bytes: `"` + bytes + `"`.
    private func quoted(_ bytes: [UInt8]) -> [UInt8] { [0x22] + bytes + [0x22] }

    @Test func descriptionNamesLineAndColumn() throws {
        let error = try #require(syntaxError("[1,\n 2,\n]"))
        #expect(error.description == "\(error.reason) at line 3, column 1")
        #expect(error.offset == 8)
    }

    @Test func trailingCommas() {
        expectError("[1,]", offset: 3, reason: "unexpected character ']'")
        expectError("{\"a\":1,}", offset: 7, reason: "expected a string key")
        expectError("[\r\n1,\r\n]", offset: 7, line: 3, column: 1, reason: "expected a value")
        expectError("{\n  \"a\": 1,\n}", offset: 12, line: 3, column: 1, reason: "expected a string key")
    }

    @Test func missingSeparators() {
        expectError("[1 2]", offset: 3, reason: "expected ',' or ']'")
        expectError("{\"a\":1 \"b\":2}", offset: 7, reason: "expected ',' or '}'")
        expectError("{\"a\" 1}", offset: 5, reason: "expected ':'")
        expectError("[\"a\"\n\"b\"]", offset: 5, line: 2, column: 1, reason: "expected ',' or ']'")
    }

    @Test func unexpectedEnd() {
        expectError("", offset: 0, reason: "unexpected end of input")
        expectError("   \n ", offset: 5, line: 2, column: 2, reason: "unexpected end of input")
        expectError("[1,", offset: 3, reason: "unexpected end of input")
        expectError("[1", offset: 2, reason: "unexpected end of input in an array")
        expectError("{", offset: 1, reason: "unexpected end of input in an object")
        expectError("{\"a\":1", offset: 6, reason: "unexpected end of input in an object")
        expectError("{\"a\"", offset: 4, reason: "expected ':'")
        expectError([0xEF, 0xBB, 0xBF], offset: 3, reason: "unexpected end of input")
    }

    @Test func unterminatedStrings() {
        expectError("\"abc", offset: 4, reason: "unterminated string")
        expectError("[\"abc", offset: 5, reason: "unterminated string")
        expectError("{\n\"a\": \"x", offset: 9, line: 2, column: 8, reason: "unterminated string")
        expectError("\"abc\\", offset: 5, reason: "unterminated string")
        expectError("\"é", offset: 3, reason: "unterminated string")
    }

    @Test func controlCharactersInStrings() {
        expectError(quoted(Array("a\nb".utf8)), offset: 2, reason: "control character 0xA")
        expectError(quoted([0x09]), offset: 1, reason: "control character 0x9")
        expectError(quoted([0x00]), offset: 1, reason: "control character 0x0")
        expectError(quoted([0xC3, 0xA9, 0x1F]), offset: 3, reason: "control character 0x1F")  // after non-ASCII
        expectError(quoted(Array("\\n".utf8) + [0x0D]), offset: 3, reason: "control character 0xD")  // after an escape
    }

    @Test func invalidEscapes() {
        expectError("\"\\x\"", offset: 2, reason: "invalid escape \\'x'")
        expectError("\"ab\\'\"", offset: 4, reason: "invalid escape")
        expectError("\"\\U0041\"", offset: 2, reason: "invalid escape")
        expectError("\"\\u12\"", offset: 3, reason: "truncated \\u escape")
        expectError("\"\\u12G4\"", offset: 5, reason: "invalid hex digit")
        expectError(quoted(Array("\\".utf8) + [0x0A]), offset: 2, reason: "invalid escape")
    }

    @Test func loneSurrogates() {
        expectError("\"\\uD800\"", offset: 7, reason: "lone UTF-16 surrogate")
        expectError("\"\\uDBFFx\"", offset: 7, reason: "lone UTF-16 surrogate")
        expectError("\"\\uDC00\"", offset: 7, reason: "lone UTF-16 surrogate")
        expectError("\"\\uDFFF\\uD800\"", offset: 7, reason: "lone UTF-16 surrogate")
        expectError("\"\\uD800\\u0041\"", offset: 13, reason: "invalid UTF-16 surrogate pair")
        expectError("\"\\uD800\\uD800\"", offset: 13, reason: "invalid UTF-16 surrogate pair")
        expectError("\"\\uD800\\n\"", offset: 7, reason: "lone UTF-16 surrogate")
        expectError("\"\\uD800", offset: 7, reason: "lone UTF-16 surrogate")
    }

    @Test(arguments: [
        [0xC0, 0x80] as [UInt8],  // overlong NUL
        [0xC1, 0xBF],  // overlong 2-byte
        [0xE0, 0x80, 0x80],  // overlong 3-byte
        [0xE0, 0x9F, 0xBF],  // overlong 3-byte, highest
        [0xF0, 0x80, 0x80, 0x80],  // overlong 4-byte
        [0xF0, 0x8F, 0xBF, 0xBF],  // overlong 4-byte, highest
        [0xED, 0xA0, 0x80],  // U+D800 encoded
        [0xED, 0xBF, 0xBF],  // U+DFFF encoded
        [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80],  // CESU-8 surrogate pair
        [0xF4, 0x90, 0x80, 0x80],  // U+110000
        [0xF5, 0x80, 0x80, 0x80],  // lead byte past U+10FFFF
        [0xF8, 0x88, 0x80, 0x80, 0x80],  // 5-byte form
        [0xFE], [0xFF],
        [0x80],  // lone continuation byte
        [0xBF, 0x41],
        [0xC3],  // truncated before the closing quote
        [0xE2, 0x82],  // truncated 3-byte
        [0xF0, 0x9F, 0x98],  // truncated 4-byte
        [0xC3, 0x41],  // continuation missing
        [0xE2, 0x41, 0x82],
        [0xE2, 0x82, 0x41],  // bad third byte
        [0xF0, 0x9F, 0x41, 0x80],
        [0xF0, 0x9F, 0x98, 0xC0],  // bad fourth byte
    ])
    func invalidUTF8InStringsIsRefusedAtItsFirstByte(sequence: [UInt8]) {
        expectError([0x22, 0x61] + sequence + [0x62, 0x22], offset: 2, reason: "invalid UTF-8")
    }

    @Test func truncatedUTF8AtTheEndOfInput() {
        expectError([0x22, 0xE2, 0x82], offset: 1, reason: "invalid UTF-8")
        expectError([0x22, 0xF0, 0x9F, 0x98], offset: 1, reason: "invalid UTF-8")
        expectError([0x22, 0xC3], offset: 1, reason: "invalid UTF-8")
    }

    @Test func invalidBytesOutsideStrings() {
        expectError([0x5B, 0xFF, 0x5D], offset: 1, reason: "unexpected character 0xFF")
        expectError([0x5B, 0x31, 0x00, 0x5D], offset: 2, reason: "expected ',' or ']'")
        // Form feed is not JSON white space.
        expectError([0x31, 0x0C], offset: 1, reason: "unexpected data after the JSON value")
    }

    @Test func invalidNumbers() {
        expectError("01", offset: 1, reason: "leading zero")
        expectError("-01", offset: 2, reason: "leading zero")
        expectError("[00]", offset: 2, reason: "leading zero")
        expectError("-", offset: 1, reason: "invalid number")
        expectError("-a", offset: 1, reason: "invalid number")
        expectError("+1", offset: 0, reason: "unexpected character '+'")
        expectError(".5", offset: 0, reason: "unexpected character '.'")
        expectError("1.", offset: 2, reason: "expected a digit after '.'")
        expectError("1.e3", offset: 2, reason: "expected a digit after '.'")
        expectError("1e", offset: 2, reason: "expected a digit in the exponent")
        expectError("1e+", offset: 3, reason: "expected a digit in the exponent")
        expectError("0x10", offset: 1, reason: "unexpected data after the JSON value")
        expectError("1e1000000000", offset: 0, reason: "exponent out of range")
        expectError("[1, 2e-1234567890]", offset: 4, reason: "exponent out of range")
    }

    @Test func largeButBoundedExponentsAreAccepted() throws {
        #expect(try json("1e999999999") == .number("1e+999999999"))
        #expect(try json("-2.5e-999999999") == .number("-2.5e-999999999"))
        #expect(try json("1e0000000000002") == .number("100"))
    }

    @Test func nonFiniteAndOtherNonJSONLiterals() {
        expectError("NaN", offset: 0, reason: "unexpected character 'N'")
        expectError("[NaN]", offset: 1, reason: "unexpected character 'N'")
        expectError("Infinity", offset: 0, reason: "unexpected character 'I'")
        expectError("-Infinity", offset: 1, reason: "invalid number")
        expectError("True", offset: 0, reason: "unexpected character 'T'")
        expectError("undefined", offset: 0, reason: "unexpected character 'u'")
        expectError("tru", offset: 0, reason: "invalid literal")
        expectError("[truth]", offset: 4, reason: "invalid literal")
        expectError("nul", offset: 0, reason: "invalid literal")
        expectError("[nulL]", offset: 4, reason: "invalid literal")
        expectError("{'a': 1}", offset: 1, reason: "expected a string key")
        expectError("{a: 1}", offset: 1, reason: "expected a string key")
    }

    @Test func commentsAreRefused() {
        expectError("// note\n1", offset: 0, reason: "unexpected character '/'")
        expectError("/* note */ 1", offset: 0, reason: "unexpected character '/'")
        expectError("[1 /* note */]", offset: 3, reason: "expected ',' or ']'")
        expectError("[1] // note", offset: 4, reason: "unexpected data after the JSON value")
        expectError("{\"a\": 1 # note\n}", offset: 8, reason: "expected ',' or '}'")
    }

    @Test func trailingData() {
        expectError("{} {}", offset: 3, reason: "unexpected data after the JSON value")
        expectError("1 2", offset: 2, reason: "unexpected data after the JSON value")
        expectError("[1]]", offset: 3, reason: "unexpected data after the JSON value")
        expectError("\"a\"\n x", offset: 5, line: 2, column: 2, reason: "unexpected data after the JSON value")
        expectError([0x31, 0xEF, 0xBB, 0xBF], offset: 1, reason: "unexpected data")  // a BOM only counts at the start
    }

    @Test func duplicateKeys() {
        expectError("{\"a\":1,\"a\":2}", offset: 7, reason: "duplicate key \"a\"")
        expectError("{\"a\":1,\"a\":1}", offset: 7, reason: "duplicate key")
        expectError("{\"a\":1,\"\\u0061\":2}", offset: 7, reason: "duplicate key \"a\"")
        expectError("{\n  \"id\": 1,\n  \"id\": 2\n}", offset: 15, line: 3, column: 3, reason: "duplicate key \"id\"")
        expectError("[{\"x\":{\"k\":null,\"k\":[]}}]", offset: 16, reason: "duplicate key \"k\"")
        #expect(syntaxError("[{\"a\":1},{\"a\":1}]") == nil)  // same key in sibling objects is fine
    }

    @Test func nestingDeeperThanTheLimit() {
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        expectError(tooDeep, offset: 64, reason: "nesting deeper than 64 levels")
        let objects = String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65)
        expectError(objects, offset: 5 * 64, reason: "nesting deeper than 64 levels")
        let mixed = String(repeating: "[{\"a\":", count: 33) + "1" + String(repeating: "}]", count: 33)
        expectError(mixed, offset: 6 * 32, reason: "nesting deeper")
        #expect(syntaxError(Array("[[[1]]]".utf8), maxDepth: 2)?.offset == 2)
    }

    @Test func hostileNestingThrowsInsteadOfCrashing() {
        let arrays = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        #expect(syntaxError(arrays)?.reason.contains("nesting") == true)
        let objects = Array(String(repeating: "{\"a\":", count: 100_000).utf8)
        #expect(syntaxError(objects)?.reason.contains("nesting") == true)
        let balanced = Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        #expect(syntaxError(balanced)?.offset == 64)
    }
}
