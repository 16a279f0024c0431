import OrderCore
import Testing

@Suite struct JSONWriterTests {
    @Test func scalars() {
        #expect(canonicalText(.null) == "null")
        #expect(canonicalText(.bool(true)) == "true")
        #expect(canonicalText(.bool(false)) == "false")
        #expect(canonicalText(.number("-1.5e-7")) == "-1.5e-7")
        #expect(canonicalText(.string("")) == "\"\"")
        #expect(canonicalText(.array([])) == "[]")
        #expect(canonicalText(.object([:])) == "{}")
    }

    @Test func objectKeysAreSortedByCodePointWithoutWhiteSpace() throws {
        let value = try json(
            "{ \"b\": 1, \"a\": [ 1 , {\"z\": null, \"y\": true} ], \"B\": \"x\", \"\": 0, \"é\": 2, \"aa\": 3, \"😀\": 4, \"\u{FFFF}\": 5 }"
        )
        #expect(
            canonicalText(value)
                == "{\"\":0,\"B\":\"x\",\"a\":[1,{\"y\":true,\"z\":null}],\"aa\":3,\"b\":1,\"é\":2,\"\u{FFFF}\":5,\"😀\":4}"
        )
    }

    @Test func equalValuesGiveEqualBytes() throws {
        let spellings = [
            "{\"order_id\":1,\"total\":12.50,\"tags\":[\"a\",\"b\"],\"meta\":{\"x\":1e2,\"y\":null}}",
            "{\n  \"meta\": {\"y\": null, \"x\": 100},\n  \"tags\": [\"a\", \"b\"],\n  \"total\": 1250e-2,\n  \"order_id\": 1.0\n}",
            "\u{FEFF}{\"tags\":[\"\\u0061\",\"b\"],\"total\":12.5,\"order_id\":10E-1,\"meta\":{\"x\":100.000,\"y\":null}}",
        ]
        let canonical = try spellings.map { text throws(JSONSyntaxError) in JSONWriter.canonical(try json(text)) }
        #expect(canonical[0] == canonical[1])
        #expect(canonical[0] == canonical[2])
        #expect(
            String(decoding: canonical[0], as: UTF8.self)
                == "{\"meta\":{\"x\":100,\"y\":null},\"order_id\":1,\"tags\":[\"a\",\"b\"],\"total\":12.5}")
    }

    @Test func differentValuesGiveDifferentBytes() throws {
        #expect(JSONWriter.canonical(try json("[1,2]")) != JSONWriter.canonical(try json("[2,1]")))
        #expect(JSONWriter.canonical(try json("{\"a\":\"1\"}")) != JSONWriter.canonical(try json("{\"a\":1}")))
        #expect(JSONWriter.canonical(try json("{\"a\":null}")) != JSONWriter.canonical(try json("{}")))
    }

    @Test func stringsAreEscapedAsRFC8259Requires() {
        #expect(canonicalText(.string("quote\" backslash\\ slash/")) == #""quote\" backslash\\ slash/""#)
        #expect(canonicalText(.string("\n\r\t\u{8}\u{C}")) == #""\n\r\t\b\f""#)
        #expect(canonicalText(.string("\u{0}\u{1}\u{1F}\u{B}")) == #""\u0000\u0001\u001f\u000b""#)
        #expect(canonicalText(.string("\u{7F} é € 😀 \u{2028}")) == "\"\u{7F} é € 😀 \u{2028}\"")
        #expect(canonicalText(.object(["k\"ey\n": .string("v")])) == #"{"k\"ey\n":"v"}"#)
    }

    @Test func canonicalTextParsesBackToTheSameValue() throws {
        let texts = [
            "{\"s\":\"\\u0000\\u001f\\\"\\\\/\\b\\f\\n\\r\\t é😀\",\"n\":[0,-0.5,1e-7,1e+21,123456789012345678901234],\"o\":{\"\":{}}}",
            "[[[]],{},\"\",null,true,false]",
        ]
        for text in texts {
            let value = try json(text)
            let bytes = JSONWriter.canonical(value)
            #expect(try JSONParser.parse(bytes) == value)
            #expect(JSONWriter.canonical(try JSONParser.parse(bytes)) == bytes)  // canonical is a fixed point
        }
    }

    @Test func buildingBlocks() {
        var writer = JSONWriter()
        writer.raw("[")
        writer.optionalString(nil)
        writer.raw(",")
        writer.optionalString("a\"b")
        writer.raw(",")
        writer.integer(-9_223_372_036_854_775_808)
        writer.raw(",")
        writer.write(.object(["b": .number("2"), "a": .number("1")]))
        writer.raw("]")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"[null,"a\"b",-9223372036854775808,{"a":1,"b":2}]"#)
    }
}
