import OrderCore
import TestSupport
import Testing

/// The same orders sent as a JSON array, as NDJSON and as CSV give the same orders to store (the same
/// columns and payload bytes, so the same rows), however the body is split (docs/contract.md §3).
@Suite struct IngestFormatPropertyTests {
    /// Text that exercises quoting: commas, quotes, spaces, non-ASCII, CR/LF (only where the field allows).
    private static let pieces = ["a", "B", "7", ",", "\"", " ", "é", "ü", "漢", "-", "'", ";", "🙂", "x y"]

    private func text(_ random: inout SeededGenerator, breaks: Bool = false) -> String {
        var parts = (0..<Int.random(in: 1...6, using: &random)).map { _ in
            Self.pieces.randomElement(using: &random) ?? "a"
        }
        if breaks && Bool.random(using: &random) { parts.insert("\r\nnext\n", at: 0) }
        let joined = parts.joined()
        return joined.allSatisfy { $0 == " " } ? "s" + joined : joined
    }

    private func order(_ random: inout SeededGenerator, number: Int) -> [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [
            ("order_id", .string("\(number)-" + text(&random))),
            (
                "order_date",
                .string(
                    ["2025-08-08", "2025-08-08T12:00:00+02:00", "2024-02-29T23:59:59.250Z"].randomElement(
                        using: &random) ?? "2025-08-08")
            ),
            ("order_status", .string(text(&random))),
        ]
        if Bool.random(using: &random) { fields.append(("updated_at", .string("2025-08-09T01:02:03.5-01:00"))) }
        switch Int.random(in: 0...2, using: &random) {
        case 0: fields.append(("order_details", .string(text(&random, breaks: true))))
        case 1: fields.append(("order_details", .object(["items": .array([.number("1"), .string(text(&random))])])))
        default: break
        }
        if Bool.random(using: &random) { fields.append(("channel", .string(text(&random, breaks: true)))) }
        return fields
    }

    private func csvCell(_ text: String) -> String {
        "\"" + String(text.flatMap { $0 == "\"" ? ["\"", "\""] : [$0] }) + "\""
    }

    private func json(_ value: JSONValue) -> String { String(decoding: JSONWriter.canonical(value), as: UTF8.self) }

    @Test(arguments: 1...40 as ClosedRange<UInt64>)
    func sameOrdersInEveryFormat(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let columns = ["order_id", "order_date", "order_status", "updated_at", "order_details", "channel"]
        let orders = (0..<Int.random(in: 0...12, using: &random)).map { order(&random, number: $0) }
        var jsonItems: [String] = []
        var csv = "Order_ID, order_date ,ORDER_STATUS,updated_at,order_details_json,channel\r\n"
        for fields in orders {
            let object = JSONValue.object(try JSONObject.make(fields.map { (name: $0.0, value: $0.1) }).get())
            jsonItems.append(json(object))
            let cells = columns.map { column -> String in
                guard let value = fields.first(where: { $0.0 == column })?.1 else { return "" }
                if column == "order_details" { return csvCell(json(value)) }
                guard case .string(let text) = value else { return "" }
                return Bool.random(using: &random) && !text.contains(where: { ",\"\r\n".contains($0) })
                    ? text : csvCell(text)
            }
            csv += cells.joined(separator: ",") + (Bool.random(using: &random) ? "\r\n" : "\n")
        }
        let fromJSON = try OrderBatch.decode(Array("[\(jsonItems.joined(separator: ",\n"))]".utf8)).get()
        let ndjson = Array(jsonItems.joined(separator: "\r\n").utf8)
        for result in everySplit({ NDJSONBatchReader() }, ndjson, seeds: seed...seed + 3) {
            #expect(try result.get() == fromJSON)
        }
        for result in everySplit({ CSVBatchReader() }, Array(csv.utf8), seeds: seed...seed + 3) {
            #expect(try result.get() == fromJSON)
        }
        #expect(fromJSON.count == orders.count)
    }
}
