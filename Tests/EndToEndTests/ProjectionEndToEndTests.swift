import Foundation
import HTTPServer
import Testing

/// Issue 10 item 3, over a real socket: after each `200` of `POST /`, `GET /` and every projection-backed
/// view already answer the new state, equal to their from-scratch twins (docs/projections.md); an older
/// event arriving late changes first events, stages, transitions and days; ETags move with a commit
/// and only then.
@Suite struct ProjectionEndToEndTests {
    static let views = [
        "latest_order_v", "first_order_events_v", "order_lifecycle_metrics_v", "order_stage_timings_v",
        "order_status_daily_v", "order_status_summary_v", "recent_orders_v", "status_transitions_v",
    ]

    /// Each step is one POST; later steps add versions to earlier orders, some older than what is stored.
    static let steps = [
        #"[{"order_id":"E1","order_date":"2025-08-08","order_status":"processing","updated_at":"2025-08-08T12:00:00Z"},"#
            + #"{"order_id":"E2","order_date":"2025-08-08","order_status":"Pending","updated_at":"2025-08-08T09:00:00Z"}]"#,
        #"[{"order_id":"E1","order_date":"2025-08-08","order_status":"shipped","updated_at":"2025-08-09T12:00:00Z"}]"#,
        // Late: E1 was pending before it was processing; E2 cancelled without updated_at.
        #"[{"order_id":"E1","order_date":"2025-08-08","order_status":"pending","updated_at":"2025-08-07T18:30:00Z"},"#
            + #"{"order_id":"E2","order_date":"2025-08-08","order_status":"cancelled"}]"#,
        #"[{"order_id":"E3","order_date":"2025-08-10","order_status":"paid","updated_at":"2025-08-10T10:00:00Z"},"#
            + #"{"order_id":"E1","order_date":"2025-08-08","order_status":"DELIVERED","updated_at":"2025-08-10T08:15:30.250Z"}]"#,
    ]

    func body(_ client: RawClient, _ path: String) throws -> (text: String, etag: String?) {
        try client.send(Request.get(path))
        let response = try client.readResponse()
        #expect(response.status == 200, "\(path): \(response.text)")
        return (response.text, response.headers["etag"])
    }

    @Test func everyReadReflectsEachWriteAndEqualsItsTwin() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        var tags: [String: String] = [:]
        for (index, step) in Self.steps.enumerated() {
            try client.send(Request.post(step))
            let answer = try client.readResponse()
            #expect(answer.status == 200, "\(answer.text)")
            for view in Self.views {
                let twin = view.replacingOccurrences(of: "_v", with: "_scratch_v")
                let path = "/views/\(view)?limit=all&format=csv"
                let (projected, tag) = try body(client, path)
                let (scratch, _) = try body(client, "/views/\(twin)?limit=all&format=csv")
                #expect(projected == scratch, "step \(index), \(view):\n\(projected)\nvs \(twin):\n\(scratch)")
                if let old = tags[view] { #expect(old != tag, "step \(index): \(view)'s ETag did not move") }
                #expect(try body(client, path).etag == tag, "a read moved \(view)'s ETag")
                tags[view] = tag
            }
        }
        // The final state, as the rules say (docs/contract.md §2).
        let latest = try #require(try JSONSerialization.jsonObject(with: Data(body(client, "/").text.utf8)) as? [[String: Any]])
        // E2's cancelled version has no updated_at: the one with one stays the latest (docs/contract.md §2).
        #expect(latest.map { $0["order_status"] as? String } == ["DELIVERED", "Pending", "paid"])
        #expect(latest.map { $0["versions"] as? Int } == [4, 2, 1])
        let lifecycle = try body(client, "/views/order_lifecycle_metrics_v?order_id=E1&format=csv").text
        // First event is the late pending (18:30 the day before), processing 17.5 h later.
        #expect(lifecycle.contains("E1,2025-08-07T18:30:00.000Z,2025-08-10T08:15:30.250Z,4,pending,DELIVERED"), "\(lifecycle)")
        #expect(lifecycle.contains(",17.5,41.5,61.758,"), "\(lifecycle)")
        let moves = try body(client, "/views/status_transitions_v?format=csv").text
        #expect(moves.contains("pending,processing,1,17.5,17.5"), "\(moves)")
        #expect(!moves.contains("processing,pending"), "\(moves)")
        let filtered = try body(client, "/?status=delivered").text
        #expect(filtered.contains("\"E1\"") && !filtered.contains("\"E2\""), "\(filtered)")
        let pending = try body(client, "/?status=PENDING").text
        #expect(pending.contains("\"E2\"") && !pending.contains("\"E1\""), "\(pending)")
    }
}
