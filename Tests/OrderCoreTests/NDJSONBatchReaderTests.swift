import OrderCore
import Testing

/// NDJSON bodies of `POST /` (docs/contract.md §3): one order per line, one atomic batch.
@Suite struct NDJSONBatchReaderTests {
    private func read(_ text: String, maxOrders: Int = OrderBatch.defaultMaxOrders) -> Result<
        [Order], OrderBatch.Failure
    > {
        read(Array(text.utf8), maxOrders: maxOrders)
    }

    /// Reads `body` every way (whole, byte by byte, random splits) and checks all agree.
    private func read(
        _ body: [UInt8], maxOrders: Int = OrderBatch.defaultMaxOrders, maxLineBytes: Int = 1 << 20,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Result<[Order], OrderBatch.Failure> {
        let results = everySplit({ NDJSONBatchReader(maxOrders: maxOrders, maxLineBytes: maxLineBytes) }, body)
        let first = summary(results[0])
        for result in results.dropFirst() where summary(result) != first {
            Issue.record("a split changed the result: \(summary(result)) vs \(first)", sourceLocation: sourceLocation)
        }
        return results[0]
    }

    private func line(_ id: String, status: String = "paid") -> String {
        #"{"order_id":"\#(id)","order_date":"2025-08-08","order_status":"\#(status)"}"#
    }

    @Test func oneOrderPerLineBlankLinesAndCRLF() throws {
        let body = "\(line("a"))\r\n\r\n  \n\(line("b"))\n\t\n\(line("c"))"
        let orders = try read(body).get()
        #expect(orders.map(\.orderID) == ["a", "b", "c"])
    }

    @Test func sameOrdersAsTheJSONArray() throws {
        let lines = [
            line("a"), line("b", status: " shipped "),
            #"{"order_id":7,"order_date":"2025-08-09T10:00:00+02:00","order_status":"new","order_details":{"x":[1]}}"#,
        ]
        let ndjson = try read(lines.joined(separator: "\n") + "\n").get()
        let json = try OrderBatch.decode(Array("[\(lines.joined(separator: ","))]".utf8)).get()
        #expect(ndjson == json)
    }

    @Test func emptyBodyIsAnEmptyBatch() throws {
        #expect(try read("").get().isEmpty)
        #expect(try read("\n\r\n\n").get().isEmpty)
    }

    @Test func byteOrderMarkIsAccepted() throws {
        #expect(try read([0xEF, 0xBB, 0xBF] + Array(line("bom").utf8)).get().map(\.orderID) == ["bom"])
    }

    @Test func invalidLinesFailTheWholeBatchWithTheirLineNumbers() {
        let body =
            "\(line("a"))\n\n\(#"{"order_id":"b","order_date":"yesterday","order_status":"x"}"#)\n\(line("c"))\n[1]\n"
        guard case .failure(.invalid(let problems)) = read(body) else {
            Issue.record("not refused")
            return
        }
        #expect(problems.count == 2)
        #expect(problems[0].index == 1 && problems[0].field == "order_date" && problems[0].line == 3)
        #expect(problems[1].index == 3 && problems[1].field == nil && problems[1].line == 5)
    }

    @Test func aSyntaxErrorNamesItsLineAndColumn() {
        let body = "\(line("a"))\r\n\(line("b"))\n{\"order_id\": \"c\",}\n\(line("d"))"
        guard case .failure(.malformed(let syntax)) = read(body) else {
            Issue.record("not malformed")
            return
        }
        #expect(syntax.line == 3)
        #expect(syntax.column == 18)
        let lineStart = line("a").utf8.count + 2 + line("b").utf8.count + 1
        #expect(syntax.offset == lineStart + 17)
    }

    @Test func twoValuesOnOneLineAreASyntaxError() {
        guard case .failure(.malformed(let syntax)) = read("\(line("a")) \(line("b"))\n") else {
            Issue.record("not malformed")
            return
        }
        #expect(syntax.line == 1)
        #expect(syntax.reason.contains("after the JSON value"))
    }

    @Test func hostileBytesAreSyntaxErrorsNotCrashes() {
        let cases: [[UInt8]] = [
            Array(#"{"order_id":"a"#.utf8) + [0x00] + Array(#"","order_date":"2025-08-08","order_status":"x"}"#.utf8),
            [0x00, 0x0A],
            Array(#"{"order_id":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8),
            Array(#"{"order_id":"\ud800"}"#.utf8),
            Array(#"{"order_id":"unterminated"#.utf8),
            Array(repeating: UInt8(ascii: "["), count: 10_000),
        ]
        for body in cases {
            guard case .failure(.malformed(let syntax)) = read(body) else {
                Issue.record("accepted or wrongly refused: \(body.prefix(40))")
                continue
            }
            #expect(syntax.line == 1)
        }
    }

    @Test func aLineLongerThanTheLimitIsRefusedWhateverTheSplits() {
        let long =
            #"{"order_id":"a","order_date":"2025-08-08","order_status":"x","pad":""#
            + String(repeating: "p", count: 300) + #""}"#
        guard case .failure(.malformed(let syntax)) = read(Array("\(line("a"))\n\(long)\n".utf8), maxLineBytes: 256)
        else {
            Issue.record("not refused")
            return
        }
        #expect(syntax.line == 2 && syntax.column == 1)
        #expect(syntax.reason == "line longer than 256 bytes")
        // The same line at the end without a newline, and a short one, are judged alike.
        guard case .failure(.malformed) = read(Array(long.utf8), maxLineBytes: 256) else {
            Issue.record("unterminated long line accepted")
            return
        }
        #expect((try? read(Array(line("a").utf8), maxLineBytes: 256).get())?.count == 1)
    }

    @Test func moreOrdersThanTheLimitIsTooMany() {
        let body = (0..<5).map { line("o\($0)") }.joined(separator: "\n")
        guard case .failure(.tooManyOrders(let limit)) = read(body, maxOrders: 4) else {
            Issue.record("not refused")
            return
        }
        #expect(limit == 4)
        #expect((try? read(body, maxOrders: 5).get())?.count == 5)
    }

    @Test func onlyTheFirstHundredProblemsAreKept() {
        let body = (0..<150).map { _ in "{}" }.joined(separator: "\n")
        guard case .failure(.invalid(let problems)) = read(body) else {
            Issue.record("not refused")
            return
        }
        #expect(problems.count == OrderBatch.maxReportedProblems)
        #expect(problems.last?.line == 34)
    }
}
