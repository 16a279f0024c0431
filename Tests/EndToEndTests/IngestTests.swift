import Foundation
import SQLite
import Testing

/// `POST /` and `GET /` end to end: over a socket to the real server, then into the SQLite file.
@Suite struct IngestTests {
    @Test func storedRowsMatchWhatWasPosted() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let body = """
            [{"order_id":"A1","order_date":"2025-08-08T12:00:00+02:00","order_status":"  Shipped ","order_details":{"items":[1,2]},"coupon":"X"},
             {"order_id":42,"order_date":"2025-08-09","order_status":"new","updated_at":"2025-08-09T01:02:03.5-01:00"}]
            """
        try client.send(Request.post(body))
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == #"{"inserted":2,"unchanged":0}"#)

        let rows = try server.rows(
            "SELECT order_id, order_date, order_status, order_details, updated_at, source, payload FROM orders_raw ORDER BY seq"
        )
        #expect(rows.count == 2)
        let first = rows.first ?? []
        #expect(first.first == "A1")
        #expect(first.dropFirst(1).first == "2025-08-08T10:00:00Z")
        #expect(first.dropFirst(2).first == "Shipped")
        #expect(first.dropFirst(3).first == #"{"items":[1,2]}"#)
        #expect(first.dropFirst(4).first == .some(nil))
        #expect(first.dropFirst(5).first == "api")
        #expect(first.dropFirst(6).first??.contains(#""coupon":"X""#) == true)
        let second = rows.dropFirst().first ?? []
        #expect(second.first == "42")
        #expect(second.dropFirst(1).first == "2025-08-09T00:00:00Z")
        #expect(second.dropFirst(4).first == "2025-08-09T02:02:03.500Z")
    }

    @Test func retryingABatchStoresNothingNew() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let batch = Orders.batch(["a", "b", "c"])
        try client.send(Request.post(batch))
        #expect(try client.readResponse().text == #"{"inserted":3,"unchanged":0}"#)
        // Same content, different key order and white space: identical JSON values.
        let reordered =
            #"[ {"order_status":"processing","order_id":"a","order_details":"Laptop, Mouse","order_date":"2025-08-08T10:00:00Z"} ]"#
        try client.send(Request.post(batch))
        #expect(try client.readResponse().text == #"{"inserted":0,"unchanged":3}"#)
        try client.send(Request.post(reordered))
        #expect(try client.readResponse().text == #"{"inserted":0,"unchanged":1}"#)
        #expect(try server.rowCount() == 3)
    }

    @Test func aChangedVersionIsStoredAndBecomesLatest() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(Request.post(Orders.batch(["a"], status: "new")))
        _ = try client.readResponse()
        try client.send(Request.post(Orders.batch(["a"], status: "shipped")))
        #expect(try client.readResponse().text == #"{"inserted":1,"unchanged":0}"#)
        // Back to an earlier state is a change relative to the latest, so it is stored too.
        try client.send(Request.post(Orders.batch(["a"], status: "new")))
        #expect(try client.readResponse().text == #"{"inserted":1,"unchanged":0}"#)
        try client.send(Request.get("/"))
        let rows = try #require(try client.readResponse().json as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["order_status"] as? String == "new")
        #expect(rows.first?["versions"] as? Int == 3)
    }

    @Test func latestFollowsUpdatedAtNotArrival() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let late = Orders.one("o", status: "delivered", updatedAt: "2025-08-10T00:00:00Z")
        let early = Orders.one("o", status: "processing", updatedAt: "2025-08-09T00:00:00Z")
        let noTime = Orders.one("o", status: "unknown")
        try client.send(Request.post("[\(late),\(early),\(noTime)]"))
        #expect(try client.readResponse().text == #"{"inserted":3,"unchanged":0}"#)
        // The same updated_at again, even with other content, is the same event: unchanged.
        try client.send(Request.post("[\(Orders.one("o", status: "cancelled", updatedAt: "2025-08-10T00:00:00Z"))]"))
        #expect(try client.readResponse().text == #"{"inserted":0,"unchanged":1}"#)
        try client.send(Request.get("/"))
        let rows = try #require(try client.readResponse().json as? [[String: Any]])
        #expect(rows.first?["order_status"] as? String == "delivered")
        try client.send(Request.get("/orders/o"))
        let order = try #require(try client.readResponse().json as? [String: Any])
        #expect((order["latest"] as? [String: Any])?["order_status"] as? String == "delivered")
        #expect((order["history"] as? [Any])?.count == 3)
        #expect(order["versions"] as? Int == 3)
    }

    @Test func anInvalidItemRejectsTheWholeBatch() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let body = "[\(Orders.one("ok")), {\"order_id\":\"\",\"order_date\":\"2025-02-30\",\"order_status\":\"x\"}, 7]"
        try client.send(Request.post(body))
        let response = try client.readResponse()
        #expect(response.status == 422)
        #expect(response.headers["content-type"] == "application/problem+json")
        let problem = try #require(response.json as? [String: Any])
        #expect(problem["status"] as? Int == 422)
        let errors = try #require(problem["errors"] as? [[String: Any]])
        #expect(errors.map { $0["index"] as? Int } == [1, 1, 2])
        #expect(errors.map { $0["field"] as? String } == ["order_id", "order_date", nil])
        #expect(try server.rowCount() == 0)
    }

    @Test func malformedJSONSaysWhereItBroke() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(Request.post("[\n{\"order_id\": \"a\",, }]"))
        let response = try client.readResponse()
        #expect(response.status == 400)
        let problem = try #require(response.json as? [String: Any])
        #expect(problem["line"] as? Int == 2)
        #expect(problem["column"] as? Int == 18)
        #expect(problem["type"] as? String == "urn:ordersync:problem:malformed-json")
    }

    @Test func wrongContentTypeOrEncodingIs415() throws {
        let server = try TestServer()
        for headers in [
            ["Content-Type: text/plain"], ["Content-Type: application/json; charset=latin1"], ["Content-Encoding: br"],
        ] {
            let client = try RawClient(port: server.port)
            var request = "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n"
            if !headers[0].hasPrefix("Content-Type") { request += "Content-Type: application/json\r\n" }
            request += headers.joined(separator: "\r\n") + "\r\n\r\n[]"
            try client.send(request)
            #expect(try client.readResponse().status == 415, "headers \(headers)")
        }
        let missing = try RawClient(port: server.port)
        try missing.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n[]")
        #expect(try missing.readResponse().status == 415)
    }

    @Test func emptyBatchAndSingleObject() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(Request.post("[]"))
        #expect(try client.readResponse().text == #"{"inserted":0,"unchanged":0}"#)
        try client.send(Request.post(Orders.one("single")))
        #expect(try client.readResponse().text == #"{"inserted":1,"unchanged":0}"#)
        try client.send(Request.post("\"text\""))
        #expect(try client.readResponse().status == 422)
    }
}
