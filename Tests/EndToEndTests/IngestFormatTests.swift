import Foundation
import Gzip
import HTTPServer
import SQLite
import Testing

/// `POST /` with NDJSON and CSV bodies (docs/contract.md §3), over a socket to the real server.
@Suite struct IngestFormatTests {
    /// The example files of the README, and the media type each is sent with.
    private static let examples = [
        ("orders.json", "application/json"), ("orders.ndjson", "application/x-ndjson"), ("orders.csv", "text/csv"),
    ]

    private func example(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: Repository.root + "/examples/" + name)))
    }

    /// A POST of `body` with `Content-Length`, or chunked in pieces of `chunk` bytes.
    private func post(_ body: [UInt8], type: String?, headers: [String] = [], chunk: Int? = nil) -> [UInt8] {
        var lines = ["POST / HTTP/1.1", "Host: test"] + headers
        if let type { lines.append("Content-Type: \(type)") }
        guard let chunk else {
            lines.append("Content-Length: \(body.count)")
            return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body
        }
        lines.append("Transfer-Encoding: chunked")
        var bytes = Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
        var start = 0
        while start < body.count {
            let end = min(body.count, start + chunk)
            bytes += Array("\(String(end - start, radix: 16))\r\n".utf8) + body[start..<end] + Array("\r\n".utf8)
            start = end
        }
        return bytes + Array("0\r\n\r\n".utf8)
    }

    /// Every stored column but the server's own (`seq`, `ingested_at`), in arrival order.
    private func storedRows(_ server: TestServer) throws -> [[String?]] {
        try server.rows(
            "SELECT order_id, order_date, order_status, order_details, updated_at, source, payload FROM orders_raw ORDER BY seq"
        )
    }

    private func problem(_ response: RawResponse) -> [String: Any] { response.json as? [String: Any] ?? [:] }

    @Test func eachExampleFileStoresTheSameRows() throws {
        var stored: [[[String?]]] = []
        for (name, type) in Self.examples {
            let server = try TestServer()
            let client = try RawClient(port: server.port)
            try client.send(post(try example(name), type: type))
            let response = try client.readResponse()
            #expect(response.status == 200, "\(name): \(response.text)")
            #expect(response.text == #"{"inserted":4,"unchanged":0}"#, "\(name)")
            stored.append(try storedRows(server))
        }
        #expect(stored[0].count == 4)
        #expect(stored[1] == stored[0], "NDJSON and JSON rows differ")
        #expect(stored[2] == stored[0], "CSV and JSON rows differ")
        #expect(
            stored[0].first?[3] == #"{"items":[{"qty":1,"sku":"LAP-14"},{"qty":1,"sku":"MOU-2"}],"total":"1249.00"}"#)
    }

    @Test func everyFormatIsOneBatchAndResendingItIsUnchanged() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(post(try example("orders.csv"), type: "text/csv; charset=UTF-8", chunk: 7))
        #expect(try client.readResponse().text == #"{"inserted":4,"unchanged":0}"#)
        for type in ["application/ndjson", "application/jsonl", "application/x-ndjson; charset=utf-8"] {
            try client.send(post(try example("orders.ndjson"), type: type, chunk: 13))
            #expect(try client.readResponse().text == #"{"inserted":0,"unchanged":4}"#, "\(type)")
        }
        #expect(try server.rowCount() == 4)
    }

    @Test func anInvalidLineFailsTheWholeBatchWithItsLineNumber() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        var lines = String(decoding: try example("orders.ndjson"), as: UTF8.self).split(separator: "\n")
        lines.insert(#"{"order_id":"B1","order_date":"next week","order_status":"New"}"#, at: 2)
        try client.send(post(Array(lines.joined(separator: "\n").utf8), type: "application/x-ndjson"))
        let response = try client.readResponse()
        #expect(response.status == 422)
        let errors = try #require(problem(response)["errors"] as? [[String: Any]])
        #expect(errors.count == 1)
        #expect(errors.first?["line"] as? Int == 3)
        #expect(errors.first?["index"] as? Int == 2)
        #expect(errors.first?["field"] as? String == "order_date")
        #expect(try server.rowCount() == 0)

        // A CSV row with a missing field: its line, and nothing stored.
        var csv = String(decoding: try example("orders.csv"), as: UTF8.self)
        csv += "A1005,2025-08-11,New\n"
        try client.send(post(Array(csv.utf8), type: "text/csv"))
        let ragged = try client.readResponse()
        #expect(ragged.status == 422)
        let rowErrors = try #require(problem(ragged)["errors"] as? [[String: Any]])
        #expect(rowErrors.first?["line"] as? Int == 6)
        #expect(rowErrors.first?["problem"] as? String == "has 3 fields, but the header has 7")
        #expect(try server.rowCount() == 0)
    }

    @Test func syntaxErrorsAnswer400WithWhereTheyAre() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(
            post(
                Array(
                    "{\"order_id\":\"a\",\"order_date\":\"2025-08-08\",\"order_status\":\"x\"}\n{\"order_id\":\n".utf8),
                type: "application/x-ndjson"))
        let ndjson = try client.readResponse()
        #expect(ndjson.status == 400)
        #expect(problem(ndjson)["line"] as? Int == 2)
        #expect(problem(ndjson)["type"] as? String == "urn:ordersync:problem:malformed-json")

        try client.send(post(Array("order_id,order_date\na,2025-08-08\n".utf8), type: "text/csv"))
        let header = try client.readResponse()
        #expect(header.status == 400)
        #expect(problem(header)["type"] as? String == "urn:ordersync:problem:malformed-csv")
        #expect((problem(header)["detail"] as? String)?.contains("order_status") == true)

        try client.send(post(Array("order_id,order_date,order_status\n\"a,2025-08-08,x\n".utf8), type: "text/csv"))
        let open = try client.readResponse()
        #expect(open.status == 400)
        #expect((problem(open)["detail"] as? String)?.contains("unterminated quoted field") == true)
        #expect(try server.rowCount() == 0)
    }

    @Test func gzipNDJSONIsReadAsItInflatesWithinTheBodyLimit() throws {
        let server = try TestServer(api: { $0.maxBodyBytes = 4_096 })
        let client = try RawClient(port: server.port)
        let gzipped = try Deflater.gzip(try example("orders.ndjson"))
        try client.send(post(gzipped, type: "application/x-ndjson", headers: ["Content-Encoding: gzip"], chunk: 50))
        #expect(try client.readResponse().text == #"{"inserted":4,"unchanged":0}"#)

        // Blank lines inflate past the limit: 413, however small the compressed body.
        let bomb = try Deflater.gzip([UInt8](repeating: 0x0A, count: 100_000))
        try client.send(post(bomb, type: "application/x-ndjson", headers: ["Content-Encoding: gzip"]))
        #expect(try client.readResponse().status == 413)
        try client.send(post([0x1F, 0x8B, 0x08, 0x00], type: "text/csv", headers: ["Content-Encoding: gzip"]))
        #expect(try client.readResponse().status == 400)
        #expect(try server.rowCount() == 4)
    }

    /// Every format is read as it arrives (a JSON body too: held by its sink, charged to the request memory
    /// budget, and parsed once whole); other endpoints' bodies are not ingest bodies.
    @Test func everyIngestBodyIsReadAsItArrives() throws {
        let server = try TestServer()
        func sink(_ type: String, method: String = "POST", path: String = "/") -> Bool {
            let head = HTTPRequestHead(
                method: method, target: path, version: .http11,
                headers: HTTPHeaders([("Content-Type", type), ("Content-Encoding", "gzip")]))
            return server.service.bodySink(for: head) != nil
        }
        #expect(sink("application/x-ndjson"))
        #expect(sink("text/csv; charset=utf-8"))
        #expect(sink("application/json"))
        #expect(!sink("text/csv", path: "/sync"))
        #expect(!sink("text/csv", method: "GET"))
    }

    @Test func unknownTypesAndCharsetsAre415() throws {
        let server = try TestServer()
        let cases: [String?] = [
            nil, "text/plain", "application/xml", "application/x-www-form-urlencoded", "text/csv; charset=latin1",
            "text/csv; header=absent", "application/x-ndjson; charset=utf-16",
        ]
        for type in cases {
            let client = try RawClient(port: server.port)
            try client.send(post(try example("orders.csv"), type: type))
            let response = try client.readResponse()
            #expect(response.status == 415, "\(type ?? "none")")
            #expect(response.headers["content-type"] == "application/problem+json")
        }
        let client = try RawClient(port: server.port)
        try client.send(post(try example("orders.csv"), type: "text/csv; header=absent"))
        #expect((problem(try client.readResponse())["detail"] as? String)?.contains("header row") == true)
        #expect(try server.rowCount() == 0)
    }
}
