import OrderCore
import Testing

/// CSV bodies of `POST /` (docs/contract.md §3): RFC 4180 with a header row, one atomic batch.
@Suite struct CSVBatchReaderTests {
    private static let header = "order_id,order_date,order_status"

    /// Reads `body` every way (whole, byte by byte, random splits) and checks all agree.
    private func read(
        _ body: [UInt8], maxOrders: Int = OrderBatch.defaultMaxOrders, maxRecordBytes: Int = 1 << 20,
        maxFields: Int = 1_000, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Result<[Order], OrderBatch.Failure> {
        let make = { CSVBatchReader(maxOrders: maxOrders, maxRecordBytes: maxRecordBytes, maxFields: maxFields) }
        let results = everySplit(make, body)
        let first = summary(results[0])
        for result in results.dropFirst() where summary(result) != first {
            Issue.record("a split changed the result: \(summary(result)) vs \(first)", sourceLocation: sourceLocation)
        }
        return results[0]
    }

    private func read(_ text: String, maxOrders: Int = OrderBatch.defaultMaxOrders) -> Result<
        [Order], OrderBatch.Failure
    > {
        read(Array(text.utf8), maxOrders: maxOrders)
    }

    private func syntax(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> JSONSyntaxError? {
        syntax(Array(text.utf8), sourceLocation: sourceLocation)
    }

    private func syntax(_ body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> JSONSyntaxError? {
        guard case .failure(.malformedCSV(let error)) = read(body, sourceLocation: sourceLocation) else {
            Issue.record("not refused as malformed CSV: \(summary(read(body)))", sourceLocation: sourceLocation)
            return nil
        }
        return error
    }

    private func problems(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [ItemProblem] {
        guard case .failure(.invalid(let problems)) = read(Array(text.utf8), sourceLocation: sourceLocation) else {
            Issue.record("not refused as invalid: \(summary(read(text)))", sourceLocation: sourceLocation)
            return []
        }
        return problems
    }

    @Test func rowsBecomeTheOrdersAJSONClientWouldSend() throws {
        let csv = """
            Order_ID , ORDER_DATE,order_status,updated_at,order_details_json,channel\r
            A1,2025-08-08T12:00:00+02:00, Shipped ,2025-08-09T01:02:03.5-01:00,"{""items"":[1,2]}",web\r
            42,2025-08-09,new,,,\r

            """
        let json = """
            [{"order_id":"A1","order_date":"2025-08-08T12:00:00+02:00","order_status":" Shipped ",
              "updated_at":"2025-08-09T01:02:03.5-01:00","order_details":{"items":[1,2]},"channel":"web"},
             {"order_id":"42","order_date":"2025-08-09","order_status":"new"}]
            """
        let orders = try read(csv).get()
        #expect(orders == (try OrderBatch.decode(Array(json.utf8)).get()))
        #expect(orders.first?.status == "Shipped")
        #expect(orders.first?.details == #"{"items":[1,2]}"#)
    }

    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        let csv =
            "\(Self.header),order_details\n\"a,1\",2025-08-08,\"pa\"\"id\",\"line one\r\nline \"\"two\"\"\"\nb,2025-08-08,x,plain\n"
        let orders = try read(csv).get()
        #expect(orders.map(\.orderID) == ["a,1", "b"])
        #expect(orders.first?.status == "pa\"id")
        #expect(orders.first?.details == "line one\r\nline \"two\"")
    }

    @Test func headerOnlyIsAnEmptyBatchButAnEmptyBodyHasNoHeader() throws {
        #expect(try read("\(Self.header)\n").get().isEmpty)
        #expect(try read(Self.header).get().isEmpty)
        #expect(syntax("")?.reason.contains("header row") == true)
        #expect(syntax("\n\r\n")?.reason.contains("header row") == true)
    }

    @Test func byteOrderMarkAndLFWithoutFinalLineEnd() throws {
        let body: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("\(Self.header)\nbom,2025-08-08,x".utf8)
        #expect(try read(body).get().map(\.orderID) == ["bom"])
        // Half a mark is not one: those bytes are an invalid first column name.
        #expect(syntax([0xEF, 0xBB] + Array("\(Self.header)\n".utf8))?.reason == "invalid UTF-8 in a field")
    }

    @Test func headerProblemsAreClear() {
        #expect(syntax("order_id,order_date\n")?.reason.contains("no \"order_status\" column") == true)
        #expect(syntax("order_id,ORDER_ID ,order_date,order_status\n")?.reason.contains("appears twice") == true)
        #expect(syntax("order_id,,order_date,order_status\n")?.reason.contains("column 2") == true)
        #expect(syntax("\(Self.header),order_details,order_details_json\n")?.reason.contains("both") == true)
    }

    @Test func raggedAndInvalidRowsFailTheBatchWithTheirLines() {
        let csv =
            "\(Self.header)\na,2025-08-08,x\nb,2025-08-08\n\nc,2025-08-08,x,extra\n\"d\nd\",someday,x\ne,2025-08-08,\n"
        let found = problems(csv)
        // A row is numbered by the line it starts on, also when a quoted field spans lines.
        #expect(found.map(\.line) == [3, 5, 6, 6, 8])
        #expect(found.map(\.index) == [1, 2, 3, 3, 4])
        guard found.count == 5 else { return }
        #expect(found[0].problem == "has 2 fields, but the header has 3")
        #expect(found[1].problem == "has 4 fields, but the header has 3")
        #expect(found[2].field == "order_id" && found[2].problem == "must not contain control characters")
        #expect(found[3].field == "order_date")
        #expect(found[4].field == "order_status" && found[4].problem == "is required")
    }

    @Test func detailsJSONThatIsNotJSONIsAnItemProblem() {
        let found = problems("\(Self.header),order_details_json\na,2025-08-08,x,{oops}\n")
        #expect(found.count == 1)
        #expect(found.first?.field == "order_details_json" && found.first?.line == 2)
    }

    @Test func hostileInputIsRefusedWithItsPosition() {
        let unterminated = syntax("\(Self.header)\na,2025-08-08,\"open\nstill open")
        #expect(unterminated?.reason == "unterminated quoted field (opened on line 2)")
        let strayQuote = syntax("\(Self.header)\na\"b,2025-08-08,x\n")
        #expect(strayQuote?.line == 2 && strayQuote?.column == 2)
        #expect(syntax("\(Self.header)\n\"a\"b,2025-08-08,x\n")?.reason.contains("closing quote") == true)
        #expect(syntax("\(Self.header)\ra,2025-08-08,x\n")?.reason.contains("CR not followed by LF") == true)
        let nul = syntax(Array("\(Self.header)\na,2025-08-08,x".utf8) + [0] + [0x0A])
        #expect(nul?.reason == "NUL byte" && nul?.line == 2 && nul?.column == 15)
        let badUTF8 = syntax(Array("\(Self.header)\na,2025-08-08,".utf8) + [0xC3, 0x28, 0x0A])
        #expect(badUTF8?.reason == "invalid UTF-8 in a field" && badUTF8?.line == 2)
        #expect(syntax(Array("\(Self.header)\na,2025-08-08,\"".utf8) + [0xED, 0xA0, 0x80] + [0x22])?.line == 2)
    }

    @Test func recordAndFieldLimitsHold() {
        let long = "\(Self.header)\na,2025-08-08,\"" + String(repeating: "\n", count: 300) + "\"\n"
        let tooLong = syntax(long, maxRecordBytes: 256)
        #expect(tooLong?.reason == "record longer than 256 bytes")
        let wide = "\(Self.header)\n" + String(repeating: ",", count: 20) + "\n"
        #expect(syntax(wide, maxFields: 10)?.reason == "more than 10 fields in one record")
    }

    private func syntax(_ text: String, maxRecordBytes: Int = 1 << 20, maxFields: Int = 1_000) -> JSONSyntaxError? {
        guard
            case .failure(.malformedCSV(let error)) = read(
                Array(text.utf8), maxRecordBytes: maxRecordBytes, maxFields: maxFields)
        else {
            Issue.record("not refused as malformed CSV")
            return nil
        }
        return error
    }

    @Test func moreRowsThanTheLimitIsTooMany() {
        let csv = "\(Self.header)\n" + (0..<5).map { "o\($0),2025-08-08,x\n" }.joined()
        guard case .failure(.tooManyOrders(let limit)) = read(csv, maxOrders: 4) else {
            Issue.record("not refused")
            return
        }
        #expect(limit == 4)
    }
}
