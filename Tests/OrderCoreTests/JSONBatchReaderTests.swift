import OrderCore
import Testing

/// A JSON body read as it arrives (`JSONBatchReader`): the same answer as `OrderBatch.decode` of the
/// whole body however it is cut, memory that follows the bytes that arrived (never a declared length),
/// and what it holds reported while it parses, so a request memory budget can stop it.
@Suite struct JSONBatchReaderTests {
    private func order(_ id: String, details: String = "Laptop, Mouse") -> String {
        #"{"order_id":"\#(id)","order_date":"2025-08-08","order_status":"paid","order_details":"\#(details)"}"#
    }

    private func body(_ count: Int) -> [UInt8] {
        Array(("[" + (0..<count).map { order("order-\($0)") }.joined(separator: ",\n") + "]").utf8)
    }

    @Test func everySplitGivesWhatTheWholeBodyGives() {
        let bodies: [[UInt8]] = [
            body(3), Array(order("one").utf8), [0xEF, 0xBB, 0xBF] + body(2), [], Array("[]".utf8), Array("42".utf8),
            Array("[\(order("a")),]".utf8), Array("[\(order("a")) \(order("b"))]".utf8), Array("{\"order_id\":".utf8),
            Array(#"[{"order_id":"x","order_date":"yesterday","order_status":""}, 7]"#.utf8),
            Array("[\(order("a"))] trailing".utf8), [0xFF] + body(1),
        ]
        for whole in bodies {
            let expected = summary(OrderBatch.decode(whole))
            for result in everySplit({ JSONBatchReader() }, whole, seeds: 1...8) {
                #expect(summary(result) == expected, "\(String(decoding: whole, as: UTF8.self).prefix(80))")
            }
        }
        // The order cap too.
        let capped = everySplit({ JSONBatchReader(maxOrders: 2) }, body(3), seeds: 1...3)
        #expect(capped.allSatisfy { summary($0) == "too many 2" })
    }

    @Test func memoryFollowsTheBytesThatArrivedNotTheDeclaredLength() {
        var reader = JSONBatchReader(expectedBytes: 32 << 20)
        let start = Array("[".utf8)
        _ = start.withUnsafeBufferPointer { reader.feed($0) }
        // One segment, of at most 1 MiB, for a body declared 32 MiB of which one byte came.
        #expect(reader.heldBytes >= 1 && reader.heldBytes <= JSONBatchReader.segmentBytes + 4_096)

        let filler = [UInt8](repeating: 0x20, count: 3 << 20)  // 3 MiB of white space, in 64 KiB pieces
        var fed = 1
        for offset in stride(from: 0, to: filler.count, by: 65_536) {
            _ = filler[offset..<min(filler.count, offset + 65_536)].withUnsafeBufferPointer { reader.feed($0) }
            fed += min(65_536, filler.count - offset)
            #expect(reader.heldBytes >= fed)
            #expect(reader.heldBytes <= fed + JSONBatchReader.segmentBytes + 64 * 1_024, "after \(fed) bytes")
        }
        let end = Array("\(order("last"))]".utf8)
        _ = end.withUnsafeBufferPointer { reader.feed($0) }
        let orders = try? reader.finish().get()
        #expect(orders?.map(\.orderID) == ["last"])
        // Parsed: the body is gone, the order stays.
        #expect(reader.heldBytes > 0 && reader.heldBytes < 4_096, "\(reader.heldBytes)")
    }

    @Test func whatItHoldsIsReportedWhileParsingAndARefusalStoresNothing() {
        let whole = body(20_000)  // about 2 MiB of JSON, several MiB of orders
        var reports: [Int] = []
        var reader = JSONBatchReader { held in
            reports.append(held)
            return true
        }
        _ = whole.withUnsafeBufferPointer { reader.feed($0) }
        let orders = try? reader.finish().get()
        #expect(orders?.count == 20_000)
        #expect(reports.count >= 4, "\(reports.count) reports")
        #expect(reports.dropLast() == reports.dropLast().sorted(), "grows while parsing")
        #expect((reports.dropLast().max() ?? 0) >= whole.count, "the body is held while it is parsed")
        #expect(reports.last == reader.heldBytes, "then only the orders")
        #expect(reader.heldBytes >= 20_000 * 100, "orders cost memory too: \(reader.heldBytes)")

        // A budget that refuses half way: parsing stops, the batch fails, and nothing is held.
        var refused = JSONBatchReader { held in held < whole.count * 2 }
        _ = whole.withUnsafeBufferPointer { refused.feed($0) }
        guard case .failure(.invalid(let problems)) = refused.finish() else {
            Issue.record("a refused batch must fail")
            return
        }
        #expect(problems.first?.problem.contains("memory") == true)
        #expect(refused.heldBytes == 0)
    }

    @Test func collectedOrdersAreCountedAndDroppedWithTheBatch() {
        var reader = NDJSONBatchReader()
        let lines = (0..<1_000).map { order("n\($0)", details: String(repeating: "x", count: 100)) }
        let text = Array((lines.joined(separator: "\n") + "\n").utf8)
        _ = text.withUnsafeBufferPointer { reader.feed($0) }
        // Each order: its payload (about 140 bytes), its details string, the struct; more than the line.
        #expect(reader.heldBytes >= text.count, "\(reader.heldBytes) for \(text.count) bytes of NDJSON")
        let invalid = Array(#"{"order_id":"bad"}"#.utf8 + [0x0A])
        _ = invalid.withUnsafeBufferPointer { reader.feed($0) }
        // The batch is lost: its orders are dropped, only the problems stay.
        #expect(reader.heldBytes < 64 * 1_024, "\(reader.heldBytes)")

        var csv = CSVBatchReader()
        let rows = "order_id,order_date,order_status\n" + (0..<1_000).map { "c\($0),2025-08-08,paid" }.joined(separator: "\n")
        _ = Array(rows.utf8).withUnsafeBufferPointer { csv.feed($0) }
        #expect(csv.heldBytes >= 1_000 * 100, "\(csv.heldBytes)")
    }
}
