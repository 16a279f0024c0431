import OrderCore
import Testing

@Suite struct OrderBatchTests {
    private func decode(_ text: String) -> Result<[Order], OrderBatch.Failure> { OrderBatch.decode(Array(text.utf8)) }

    private func orders(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Order]? {
        guard case .success(let orders) = decode(text) else {
            Issue.record("refused: \(decode(text))", sourceLocation: sourceLocation)
            return nil
        }
        return orders
    }

    private func problems(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [ItemProblem]? {
        guard case .failure(.invalid(let problems)) = decode(text) else {
            Issue.record("not refused as invalid: \(decode(text))", sourceLocation: sourceLocation)
            return nil
        }
        return problems
    }

    private func syntax(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> JSONSyntaxError? {
        guard case .failure(.malformed(let error)) = decode(text) else {
            Issue.record("not refused as malformed: \(decode(text))", sourceLocation: sourceLocation)
            return nil
        }
        return error
    }

    private func item(_ id: String, status: String = "paid") -> String {
        #"{"order_id": "\#(id)", "order_date": "2025-08-08", "order_status": "\#(status)"}"#
    }

    @Test func arrayOfOrdersKeepsItsOrder() {
        let batch = orders("[\(item("a")), \(item("b", status: "shipped")), \(item("c"))]")
        #expect(batch?.map(\.orderID) == ["a", "b", "c"])
        #expect(batch?.map(\.status) == ["paid", "shipped", "paid"])
    }

    @Test func singleObjectIsABatchOfOne() {
        #expect(orders(item("solo"))?.map(\.orderID) == ["solo"])
    }

    @Test func emptyArrayIsAnEmptyBatch() {
        #expect(orders("[]")?.isEmpty == true)
        #expect(orders(" [ ] \n")?.isEmpty == true)
    }

    @Test func sameOrderTwiceIsTwoVersions() {
        #expect(orders("[\(item("a")), \(item("a", status: "shipped"))]")?.map(\.status) == ["paid", "shipped"])
    }

    @Test func byteOrderMarkIsAccepted() {
        guard case .success(let batch) = OrderBatch.decode([0xEF, 0xBB, 0xBF] + Array("[\(item("bom"))]".utf8)) else {
            Issue.record("refused")
            return
        }
        #expect(batch.map(\.orderID) == ["bom"])
    }

    @Test func eachBadItemIsReportedWithItsIndexAndField() {
        let body =
            "[\(item("ok")), {\"order_date\": \"2025-08-08\", \"order_status\": \"paid\"}, 17, {\"order_id\": \"late\", \"order_date\": \"2025-08-32\", \"order_status\": \"paid\"}, \(item("ok2"))]"
        let found = problems(body)
        #expect(found?.map(\.index) == [1, 2, 3])
        #expect(found?.map(\.field) == ["order_id", nil, "order_date"])
    }

    @Test func oneBadItemRefusesTheWholeBatch() {
        let found = problems("[\(item("a")), \(item("b")), \(item(""))]")
        #expect(found == [ItemProblem(index: 2, field: "order_id", problem: "must not be empty")])
    }

    @Test func onlyTheFirstHundredProblemsAreReported() {
        let body = "[" + (0..<150).map { _ in "{}" }.joined(separator: ",") + "]"
        let found = problems(body)
        #expect(found?.count == 100)
        // Each empty object has three problems: the first 100 end inside item 33.
        #expect(found?.first == ItemProblem(index: 0, field: "order_id", problem: "is required"))
        #expect(found?.last == ItemProblem(index: 33, field: "order_id", problem: "is required"))
        #expect(OrderBatch.maxReportedProblems == 100)

        let manyItems = "[" + (0..<250).map { _ in "1" }.joined(separator: ",") + "]"
        #expect(problems(manyItems)?.map(\.index) == Array(0..<100))
    }

    @Test(arguments: [("42", "a number"), ("\"orders\"", "a string"), ("null", "null"), ("true", "a boolean")])
    func topLevelScalarIsOneProblemWithoutIndex(text: String, typeName: String) {
        let found = problems(text)
        #expect(found?.count == 1)
        #expect(found?.first?.index == nil)
        #expect(found?.first?.field == nil)
        #expect(found?.first?.problem.hasSuffix("not \(typeName)") == true, "\(String(describing: found))")
    }

    @Test func malformedJSONReportsWhereItBroke() {
        let trailingComma = syntax(#"[{"order_id": 1,}]"#)
        #expect(trailingComma?.offset == 16)
        #expect(trailingComma?.line == 1)
        #expect(trailingComma?.column == 17)

        let multiline = syntax("[\n  {\"order_id\": \"a\"},\n  {\"order_id\": \"b\"\n]")
        #expect(multiline?.line == 4)
        #expect(multiline?.column == 1)
        #expect(multiline?.offset == 42)

        #expect(syntax("")?.offset == 0)
        #expect(syntax("[\(item("a"))] trailing")?.reason.contains("unexpected data") == true)
        #expect(syntax(#"{"order_id": 1, "order_id": 2}"#)?.reason.contains("duplicate key") == true)
    }

    @Test func hostileBodiesAreMalformedNotCrashes() {
        let deepDetails =
            #"{"order_id": 1, "order_date": "2025-08-08", "order_status": "x", "order_details": "#
            + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(syntax(deepDetails)?.reason.contains("nesting") == true)
        #expect(syntax(String(repeating: "[", count: 100_000))?.reason.contains("nesting") == true)
        #expect(OrderBatch.decode([0x5B, 0x22, 0xC0, 0x80, 0x22, 0x5D]).isMalformed)
    }
}

extension Result<[Order], OrderBatch.Failure> {
    fileprivate var isMalformed: Bool {
        if case .failure(.malformed) = self { return true }
        return false
    }
}
