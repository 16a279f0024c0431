import OrderCore
import Testing

@Suite struct OrderValidatorTests {
    /// Validates the JSON item `text` as item `index`: the order and the problems reported.
    private func validate(_ text: String, index: Int = 0) throws -> (order: Order?, problems: [ItemProblem]) {
        var problems: [ItemProblem] = []
        let order = OrderValidator.validate(try json(text), index: index, problems: &problems)
        return (order, problems)
    }

    /// An otherwise valid order with `field` set to the raw JSON `value` (or removed when nil).
    private func order(_ field: String, _ value: String?) -> String {
        var fields = ["order_id": "\"A-1\"", "order_date": "\"2025-08-08T10:00:00Z\"", "order_status": "\"paid\""]
        fields[field] = value
        return "{" + fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
            + "}"
    }

    /// The problems of an order with `field` set to `value`, as (field, problem) pairs.
    private func problems(_ field: String, _ value: String?) throws -> [ItemProblem] {
        try validate(order(field, value), index: 3).problems
    }

    private func accepted(_ field: String, _ value: String?) throws -> Order? {
        let result = try validate(order(field, value))
        #expect(result.problems == [])
        return result.order
    }

    @Test func completeOrder() throws {
        let text = """
            {"order_id": "A-1001", "order_date": "2025-08-08T12:00:00+02:00", "order_status": "  shipped\\n",
             "order_details": {"items": [{"sku": "X", "qty": 2}], "total": 19.90},
             "updated_at": "2025-08-09T08:30:00.25+00:00", "customer": {"email": "a@example.com"}, "note": null}
            """
        let (order, problems) = try validate(text)
        #expect(problems == [])
        let valid = try #require(order)
        #expect(valid.orderID == "A-1001")
        #expect(valid.orderDate == "2025-08-08T10:00:00Z")
        #expect(valid.status == "shipped")
        #expect(valid.details == #"{"items":[{"qty":2,"sku":"X"}],"total":19.9}"#)
        #expect(valid.updatedAt == "2025-08-09T08:30:00.250Z")
        // The payload is the whole object as received, canonical: unknown fields and nulls are kept.
        #expect(valid.payload == JSONWriter.canonical(try json(text)))
        let payload = String(decoding: valid.payload, as: UTF8.self)
        #expect(payload.contains(#""customer":{"email":"a@example.com"}"#))
        #expect(payload.contains(#""note":null"#))
        #expect(payload.contains(#""order_status":"  shipped\n""#))  // the payload keeps what was sent
    }

    @Test func minimalOrder() throws {
        let valid = try #require(try accepted("order_date", "\"2025-08-08\""))
        #expect(valid.orderID == "A-1")
        #expect(valid.orderDate == "2025-08-08T00:00:00Z")
        #expect(valid.status == "paid")
        #expect(valid.details == nil)
        #expect(valid.updatedAt == nil)
    }

    // MARK: - order_id

    @Test(arguments: [
        ("1001", "1001"), ("0", "0"), ("-7", "-7"), ("12345678901234567890", "12345678901234567890"),
        ("9007199254740993", "9007199254740993"), ("1.0", "1"), ("1e3", "1000"), ("1500e-2", "15"),
    ])
    func integerOrderIDBecomesDecimalText(json: String, text: String) throws {
        #expect(try accepted("order_id", json)?.orderID == text)
    }

    /// docs/contract.md §3: order_id is a string or an integer of 1–256 characters; integers are stored as decimal text.
    @Test func integerOrderIDWithMoreThan21DigitsIsKept() throws {
        let digits = "1234567890123456789012"
        let result = try validate(order("order_id", digits))
        #expect(result.problems == [])
        #expect(result.order?.orderID == digits)
    }

    @Test(arguments: ["1.5", "-0.25", "1e-1", "12345.6789"])
    func fractionalOrderIDIsRefused(value: String) throws {
        let found = try problems("order_id", value)
        #expect(found.map(\.field) == ["order_id"])
        #expect(found.first?.index == 3)
        #expect(found.first?.problem.contains("fraction") == true)
    }

    @Test func orderIDLengthIsCountedInUnicodeScalars() throws {
        #expect(try accepted("order_id", "\"\(String(repeating: "a", count: 256))\"")?.orderID.count == 256)
        #expect(try accepted("order_id", "\"\(String(repeating: "é", count: 256))\"")?.orderID.utf8.count == 512)
        #expect(try accepted("order_id", "\"\(String(repeating: "😀", count: 256))\"")?.orderID.utf8.count == 1_024)
        #expect(try accepted("order_id", "\"\(String(repeating: "\\u00e9", count: 256))\"") != nil)
        #expect(try accepted("order_id", "\"x\"")?.orderID == "x")

        for tooLong in [
            String(repeating: "a", count: 257), String(repeating: "é", count: 257), String(repeating: "😀", count: 257),
        ] {
            let found = try problems("order_id", "\"\(tooLong)\"")
            #expect(found.map(\.field) == ["order_id"])
            #expect(found.first?.problem == "must be at most 256 characters")
        }
        // 129 × (e + combining acute): 129 characters but 258 scalars.
        let combining = String(repeating: "e\u{301}", count: 129)
        #expect(combining.count == 129)
        #expect(try problems("order_id", "\"\(combining)\"").map(\.field) == ["order_id"])
        #expect(try accepted("order_id", "\"\(String(repeating: "e\u{301}", count: 128))\"") != nil)
    }

    @Test(arguments: ["\"\"", "\" \"", "\" \\t\\n \"", "\"\u{A0}\u{2003}\""])
    func emptyOrWhitespaceOrderIDIsRefused(value: String) throws {
        let found = try problems("order_id", value)
        #expect(found == [ItemProblem(index: 3, field: "order_id", problem: "must not be empty")])
    }

    @Test func controlCharactersInOrderIDAreRefused() throws {
        for value in ["\"a\\nb\"", "\"a\\u0000\"", "\"\\u007fx\"", "\"a\\tb\""] {
            #expect(
                try problems("order_id", value) == [
                    ItemProblem(index: 3, field: "order_id", problem: "must not contain control characters")
                ])
        }
    }

    @Test(arguments: [
        ("null", "is required"), (nil, "is required"), ("true", "not a boolean"), ("[1]", "not an array"),
        ("{}", "not an object"),
    ])
    func missingOrWrongTypeOrderIDIsRefused(value: String?, problem: String) throws {
        let found = try problems("order_id", value)
        #expect(found.map(\.field) == ["order_id"])
        #expect(found.first?.problem.contains(problem) == true, "\(found)")
    }

    // MARK: - order_date and updated_at

    @Test(arguments: [
        ("\"2025-08-08T10:00:00Z\"", "2025-08-08T10:00:00Z"),
        ("\"2025-08-08T10:00:00.120-01:00\"", "2025-08-08T11:00:00.120Z"),
        ("\"2024-02-29\"", "2024-02-29T00:00:00Z"), ("\"2016-12-31T23:59:60Z\"", "2017-01-01T00:00:00Z"),
    ])
    func orderDateIsNormalisedToUTCSeconds(value: String, expected: String) throws {
        #expect(try accepted("order_date", value)?.orderDate == expected)
    }

    @Test(arguments: [
        ("null", "is required"), (nil, "is required"), ("\"2025-02-30\"", "RFC 3339"),
        ("\"2025-08-08T10:00:00\"", "RFC 3339"),
        ("\"yesterday\"", "RFC 3339"), ("20250808", "not a number"), ("{}", "not an object"),
    ])
    func invalidOrderDateIsRefused(value: String?, problem: String) throws {
        let found = try problems("order_date", value)
        #expect(found.map(\.field) == ["order_date"])
        #expect(found.first?.problem.contains(problem) == true, "\(found)")
    }

    @Test func updatedAtIsOptionalAndNormalisedToMilliseconds() throws {
        #expect(try accepted("updated_at", nil)?.updatedAt == nil)
        #expect(try accepted("updated_at", "null")?.updatedAt == nil)
        #expect(try accepted("updated_at", "\"2025-08-08T10:00:00Z\"")?.updatedAt == "2025-08-08T10:00:00.000Z")
        #expect(
            try accepted("updated_at", "\"2025-08-08T10:00:00.1234+02:00\"")?.updatedAt == "2025-08-08T08:00:00.123Z")
        #expect(try accepted("updated_at", "\"2025-08-08\"")?.updatedAt == "2025-08-08T00:00:00.000Z")
    }

    @Test func invalidUpdatedAtIsRefused() throws {
        #expect(try problems("updated_at", "\"2025-13-01\"").map(\.field) == ["updated_at"])
        #expect(try problems("updated_at", "1754647200").first?.problem.contains("not a number") == true)
        #expect(try problems("updated_at", "\"\"").map(\.field) == ["updated_at"])
    }

    // MARK: - order_status

    @Test func statusIsTrimmed() throws {
        #expect(try accepted("order_status", "\"  paid \\t\\r\\n\"")?.status == "paid")
        #expect(try accepted("order_status", "\"\\u00a0on hold\\u2003\"")?.status == "on hold")
        #expect(try accepted("order_status", "\"Ready to ship\"")?.status == "Ready to ship")
    }

    @Test func statusLengthLimitAppliesAfterTrimming() throws {
        let sixtyFour = String(repeating: "s", count: 64)
        #expect(try accepted("order_status", "\"\(sixtyFour)\"")?.status == sixtyFour)
        #expect(try accepted("order_status", "\"   \(sixtyFour)   \"")?.status == sixtyFour)
        #expect(try accepted("order_status", "\"\(String(repeating: "ü", count: 64))\"") != nil)
        let found = try problems("order_status", "\"\(sixtyFour)s\"")
        #expect(found == [ItemProblem(index: 3, field: "order_status", problem: "must be at most 64 characters")])
        #expect(
            try problems("order_status", "\"\(String(repeating: "ü", count: 65))\"").map(\.field) == ["order_status"])
    }

    @Test(arguments: [
        ("\"\"", "must not be empty"), ("\"   \"", "must not be empty"), ("\"a\\u0001b\"", "control characters"),
        ("null", "is required"), (nil, "is required"), ("1", "not a number"), ("[\"paid\"]", "not an array"),
    ])
    func invalidStatusIsRefused(value: String?, problem: String) throws {
        let found = try problems("order_status", value)
        #expect(found.map(\.field) == ["order_status"])
        #expect(found.first?.problem.contains(problem) == true, "\(found)")
    }

    // MARK: - order_details

    @Test(arguments: [
        ("\"  gift wrap, \\\"fragile\\\"\\n\"", "  gift wrap, \"fragile\"\n"),
        ("{ \"b\": [1.50, true], \"a\": null }", #"{"a":null,"b":[1.5,true]}"#),
        ("[ 1, \"x\" ]", #"[1,"x"]"#), ("12.0", "12"), ("false", "false"), ("\"\"", ""),
    ])
    func detailsAreKeptAsTextOrCanonicalJSON(value: String, expected: String) throws {
        #expect(try accepted("order_details", value)?.details == expected)
    }

    @Test func nullOrMissingDetailsAreNil() throws {
        #expect(try accepted("order_details", "null")?.details == nil)
        #expect(try accepted("order_details", nil)?.details == nil)
    }

    // MARK: - Several problems

    @Test func everyProblemOfAnItemIsReportedInFieldOrder() throws {
        let text = #"{"order_date": "2025-02-30", "order_status": "", "updated_at": "soon", "order_details": 5}"#
        let (order, found) = try validate(text, index: 7)
        #expect(order == nil)
        #expect(found.map(\.field) == ["order_id", "order_date", "order_status", "updated_at"])
        #expect(found.allSatisfy { $0.index == 7 })
    }

    @Test(arguments: ["[]", "\"order\"", "42", "null", "true"])
    func nonObjectItemIsOneProblemWithoutAField(text: String) throws {
        let (order, found) = try validate(text, index: 2)
        #expect(order == nil)
        #expect(found.count == 1)
        #expect(found.first?.index == 2)
        #expect(found.first?.field == nil)
        #expect(found.first?.problem.hasPrefix("must be an object") == true)
    }

    @Test func problemsAreAppendedAndAnEarlierProblemDoesNotFailALaterValidItem() throws {
        var problems = [ItemProblem(index: 0, field: "order_id", problem: "is required")]
        let valid = OrderValidator.validate(try json(order("order_id", "\"B\"")), index: 1, problems: &problems)
        #expect(valid?.orderID == "B")
        #expect(problems.count == 1)
        let invalid = OrderValidator.validate(try json(order("order_id", nil)), index: 2, problems: &problems)
        #expect(invalid == nil)
        #expect(problems.map(\.index) == [0, 2])
    }
}
