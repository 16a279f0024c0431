import OrderCore
import Testing

/// Valid JSON documents: every value type, canonical numbers, strings.
@Suite struct JSONParserTests {
    @Test func scalarsAtTopLevel() throws {
        #expect(try json("null") == .null)
        #expect(try json("true") == .bool(true))
        #expect(try json("false") == .bool(false))
        #expect(try json("42") == .number("42"))
        #expect(try json("\"hi\"") == .string("hi"))
        #expect(try json(" \t\r\n 7 \n\t") == .number("7"))
    }

    @Test func arraysAndObjects() throws {
        #expect(try json("[]") == .array([]))
        #expect(try json("{}") == .object([:]))
        #expect(try json("[ ]") == .array([]))
        #expect(try json("{ \n }") == .object([:]))
        #expect(
            try json("[1, \"a\", null, true, [false], {\"k\": []}]")
                == .array([
                    .number("1"), .string("a"), .null, .bool(true), .array([.bool(false)]), .object(["k": .array([])]),
                ]))
        let object = try json("{\"order_id\": 5, \"nested\": {\"a\": [1, 2]}, \"\": \"empty key\"}")
        #expect(
            object
                == .object([
                    "order_id": .number("5"), "nested": .object(["a": .array([.number("1"), .number("2")])]),
                    "": .string("empty key"),
                ]))
        #expect(object["order_id"] == .number("5"))
        #expect(object["missing"] == nil)
        #expect(JSONValue.array([])["order_id"] == nil)
    }

    @Test func keysDifferingOnlyInCaseAreDistinct() throws {
        guard case .object(let members) = try json("{\"a\":1,\"A\":2,\"\\u00e9\":3,\"\\u00c9\":4}") else {
            Issue.record("expected an object")
            return
        }
        #expect(members.count == 4)
    }

    /// RFC 8259 §8.3: names are compared code unit by code unit, so U+00E9 and "e" + U+0301 are two keys.
    @Test func canonicallyEquivalentKeysAreDistinct() throws {
        let text = "{\"\u{E9}\":3,\"e\u{301}\":4}"
        guard case .object(let members) = try json(text) else {
            Issue.record("expected an object")
            return
        }
        #expect(members.count == 2)
    }

    @Test func byteOrderMarkIsIgnored() throws {
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == .array([.number("1")]))
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF, 0x20, 0x31]) == .number("1"))
    }

    @Test func nestingUpToTheLimitIsAccepted() throws {
        let deep = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try json(deep) }
        let objects = String(repeating: "{\"a\":", count: 63) + "[]" + String(repeating: "}", count: 63)
        #expect(throws: Never.self) { try json(objects) }
        #expect(try json("[[1]]", maxDepth: 2) == .array([.array([.number("1")])]))
    }

    @Test func typeNames() throws {
        #expect(try json("null").typeName == "null")
        #expect(try json("1").typeName == "a number")
        #expect(try json("{}").typeName == "an object")
        #expect(try json("[]").typeName == "an array")
        #expect(try json("\"\"").typeName == "a string")
        #expect(try json("true").typeName == "a boolean")
    }

    // MARK: - Numbers

    @Test(arguments: [
        ("0", "0"), ("-0", "0"), ("-0.0", "0"), ("0.000", "0"), ("0e10", "0"), ("-0E-3", "0"),
        ("1", "1"), ("-1", "-1"), ("1.0", "1"), ("1.50", "1.5"), ("-12.340", "-12.34"),
        ("1e2", "100"), ("1E2", "100"), ("1e+2", "100"), ("100e-2", "1"), ("12.5e-1", "1.25"), ("0.1e1", "1"),
        ("1e0", "1"), ("1e-0", "1"), ("10", "10"), ("120", "120"),
        ("0.5", "0.5"), ("0.000001", "0.000001"), ("0.0000010", "0.000001"), ("1e-6", "0.000001"),
        ("1e-7", "1e-7"), ("-1e-7", "-1e-7"), ("0.0000001", "1e-7"), ("1.5e-7", "1.5e-7"), ("123e-9", "1.23e-7"),
        ("1e20", "100000000000000000000"), ("1e21", "1e+21"), ("1.5e300", "1.5e+300"),
        ("123456789012345678901234", "1.23456789012345678901234e+23"),
        ("100000000000000000000000", "1e+23"),
    ])
    func numbersAreCanonicalised(text: String, canonical: String) throws {
        #expect(try json(text) == .number(canonical))
    }

    @Test(arguments: [
        "9007199254740993",  // 2^53 + 1: not representable as a double
        "123456789012345678",  // 18 digits: the fast path
        "1234567890123456789",  // 19 digits: the slow path
        "-9223372036854775809",  // below Int64.min
        "123456789012345678901",  // 21 digits: still plain
    ])
    func bigIntegersAreKeptExactly(text: String) throws {
        #expect(try json(text) == .number(text))
    }

    @Test func longFractionsAreKeptExactly() throws {
        #expect(try json("3.14159265358979323846264338327950288") == .number("3.14159265358979323846264338327950288"))
        #expect(try json("0.1000000000000000055511151231257827") == .number("0.1000000000000000055511151231257827"))
    }

    @Test func equalNumbersAreEqualValues() throws {
        #expect(try json("[1, 1.0, 10e-1, 0.1e1, 1E0]") == json("[1, 1, 1, 1, 1]"))
        #expect(try json("{\"a\": 2.50}") == json("{\"a\": 25e-1}"))
    }

    @Test func integerTextExpandsExponentsOfIntegersOnly() {
        #expect(JSONNumber.integerText("42") == "42")
        #expect(JSONNumber.integerText("-42") == "-42")
        #expect(JSONNumber.integerText("4.2") == nil)
        #expect(JSONNumber.integerText("1e+21") == "1" + String(repeating: "0", count: 21))
        #expect(JSONNumber.integerText("1.234e+3") == "1234")
        #expect(JSONNumber.integerText("1.2345e+3") == nil)
        #expect(JSONNumber.integerText("1e-7") == nil)
        #expect(JSONNumber.integerText("1e+999") == nil)
    }

    // MARK: - Strings

    @Test(arguments: [
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"),
        (#""\u0041\u00e9\u00E9\u20AC""#, "Aéé€"),
        (#""\u0000""#, "\u{0}"),
        (#""\ud83d\ude00""#, "😀"),
        (#""\uD834\uDD1E clef""#, "𝄞 clef"),
        (#""a\u005Cb""#, "a\\b"),
        (#""\uFFFF""#, "\u{FFFF}"),
    ])
    func escapesAreDecoded(text: String, expected: String) throws {
        #expect(try json(text) == .string(expected))
    }

    @Test func rawUTF8IsKept() throws {
        let text = "\"héllo wörld € 😀 𝄞 \u{10FFFF} \u{7FF} \u{800} \u{FFFD}\""
        #expect(try json(text) == .string("héllo wörld € 😀 𝄞 \u{10FFFF} \u{7FF} \u{800} \u{FFFD}"))
        #expect(try json("\"€\\n😀\"") == .string("€\n😀"))  // escapes after non-ASCII
        #expect(try json("[\"é\",\"ascii\",\"\\t\"]") == .array([.string("é"), .string("ascii"), .string("\t")]))
    }

    @Test func delAndNonControlCharactersNeedNoEscape() throws {
        #expect(try JSONParser.parse([0x22, 0x7F, 0x20, 0x7E, 0x22]) == .string("\u{7F} ~"))
    }
}
