import Foundation
import Testing

/// The lifecycle views over shop statuses: Shopify's states, as its connector stores them
/// (Sources/SyncCore/RecordMapping.swift), count as the stages the status vocabulary
/// (sql/tables/status_stages.sql, docs/contract.md §2) gives them.
extension ViewTests {
    /// S1: pending → paid (2 h) → fulfilled (+24 h). S2: PAID → voided (4 h), in another case.
    /// S3: authorized → partially_fulfilled (6 h) → partially_refunded (+24 h).
    /// S4: a state no vocabulary knows, without updated_at (its event time is its arrival).
    static let shopHistory = """
        [{"order_id":"S1","order_date":"2025-09-01","order_status":"pending","updated_at":"2025-09-01T10:00:00Z"},
         {"order_id":"S1","order_date":"2025-09-01","order_status":"paid","updated_at":"2025-09-01T12:00:00Z"},
         {"order_id":"S1","order_date":"2025-09-01","order_status":"fulfilled","updated_at":"2025-09-02T12:00:00Z"},
         {"order_id":"S2","order_date":"2025-09-01","order_status":"PAID","updated_at":"2025-09-01T09:00:00Z"},
         {"order_id":"S2","order_date":"2025-09-01","order_status":" voided ","updated_at":"2025-09-01T13:00:00Z"},
         {"order_id":"S3","order_date":"2025-09-03","order_status":"authorized","updated_at":"2025-09-03T00:00:00Z"},
         {"order_id":"S3","order_date":"2025-09-03","order_status":"partially_fulfilled",
          "updated_at":"2025-09-03T06:00:00Z"},
         {"order_id":"S3","order_date":"2025-09-03","order_status":"partially_refunded",
          "updated_at":"2025-09-04T06:00:00Z"},
         {"order_id":"S4","order_date":"2025-01-01","order_status":"Mystery-State"}]
        """

    private func shopLoaded() throws -> (TestServer, RawClient) {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(Request.post(ViewTests.shopHistory))
        let answer = try client.readResponse()
        #expect(answer.text == #"{"inserted":9,"unchanged":0}"#)
        return (server, client)
    }

    @Test func shopifyStatesCountAsTheirLifecycleStages() throws {
        let (server, client) = try shopLoaded()
        defer { server.stop() }
        let metrics = try rows(client, "/views/order_lifecycle_metrics_v")
        let s1 = try #require(metrics.first { $0["order_id"] as? String == "S1" })
        #expect(s1["hours_to_processing"] as? Double == 2, "paid is processing")
        #expect(s1["hours_to_shipped"] as? Double == 26, "fulfilled is shipped")
        #expect(s1["current_stage"] as? String == "shipped")
        let s2 = try #require(metrics.first { $0["order_id"] as? String == "S2" })
        #expect(s2["ended_cancelled"] as? Int == 1, "voided ends as cancelled")
        let s3 = try #require(metrics.first { $0["order_id"] as? String == "S3" })
        #expect(s3["hours_to_shipped"] as? Double == 6, "partially_fulfilled is shipped")
        #expect(s3["hours_to_processing"] is NSNull, "authorized is only placed")
        #expect(s3["ended_refunded"] as? Int == 1, "partially_refunded ends as refunded")
        let s4 = try #require(metrics.first { $0["order_id"] as? String == "S4" })
        #expect(s4["current_stage"] is NSNull, "an unknown status has no stage")
        #expect(s4["ended_cancelled"] as? Int == 0)

        let stages = try rows(client, "/views/order_stage_timings_v")
        let shipped = try #require(stages.first { $0["stage"] as? String == "shipped" })
        #expect(shipped["orders_reached"] as? Int == 2)
        #expect(shipped["median_hours"] as? Double == 16, "median of 26 h and 6 h")

        let summary = try rows(client, "/views/order_status_summary_v")
        let stageOf = Dictionary(uniqueKeysWithValues: summary.map { ($0["status"] as? String ?? "", $0["stage"]) })
        #expect(stageOf["fulfilled"] as? String == "shipped")
        #expect(stageOf["voided"] as? String == "cancelled")
        #expect(stageOf["partially_refunded"] as? String == "refunded")
        #expect(stageOf["mystery-state"] is NSNull, "unknown statuses are still counted, under their own name")

        let transitions = try rows(client, "/views/status_transitions_v?from_status=pending&to_status=paid")
        #expect(transitions.first?["from_stage"] as? String == "placed")
        #expect(transitions.first?["to_stage"] as? String == "processing")
        let daily = try rows(client, "/views/order_status_daily_v?status=fulfilled")
        #expect(daily.first?["stage"] as? String == "shipped")
        let first = try rows(client, "/views/first_order_events_v?order_id=S2")
        #expect(first.first?["first_stage"] as? String == "processing")
    }

    @Test func everyStateTheShopifyConnectorStoresHasAStage() throws {
        let (server, client) = try loaded()
        defer { server.stop() }
        let vocabulary = try rows(client, "/views/status_stages_v?limit=all")
        let stageOf = Dictionary(uniqueKeysWithValues: vocabulary.map { ($0["status"] as? String ?? "", $0["stage"]) })
        // RecordMapping.shopifyStatus's answers for the states docs/providers.md §1 lists.
        let expected = [
            "cancelled": "cancelled", "voided": "cancelled", "refunded": "refunded",
            "partially_refunded": "refunded", "fulfilled": "shipped", "partially_fulfilled": "shipped",
            "paid": "processing", "pending": "placed", "authorized": "placed", "partially_paid": "placed",
            "open": "placed",
        ]
        for (status, stage) in expected {
            #expect(stageOf[status] as? String == stage, "\(status)")
        }
        #expect(vocabulary.allSatisfy { ($0["status"] as? String) == ($0["status"] as? String)?.lowercased() })
    }

    @Test func recentOrdersSortByChangeTimeNotArrival() throws {
        let (server, client) = try shopLoaded()
        defer { server.stop() }
        // S4 has no updated_at: its change time is its arrival (now), the newest.
        let recent = try rows(client, "/views/recent_orders_v")
        #expect(recent.map { $0["order_id"] as? String } == ["S4", "S3", "S1", "S2"])
        let paged = try rows(client, "/views/recent_orders_v?limit=2")
        #expect(paged.map { $0["order_id"] as? String } == ["S4", "S3"])
    }
}
