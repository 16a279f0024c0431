import Foundation
import HTTPServer
import Testing

/// The analytics views and `/views` end to end, over a small history whose numbers are known.
@Suite struct ViewTests {
    /// A1: pending → processing (2 h) → shipped (+24 h) → delivered (+24 h). A2: pending → cancelled (4 h).
    /// A3: Pending → Processing (6 h), statuses in other case.
    static let history = """
        [{"order_id":"A1","order_date":"2025-08-08","order_status":"pending","updated_at":"2025-08-08T10:00:00Z"},
         {"order_id":"A1","order_date":"2025-08-08","order_status":"processing","updated_at":"2025-08-08T12:00:00Z"},
         {"order_id":"A1","order_date":"2025-08-08","order_status":"shipped","updated_at":"2025-08-09T12:00:00Z"},
         {"order_id":"A1","order_date":"2025-08-08","order_status":"delivered","updated_at":"2025-08-10T12:00:00Z"},
         {"order_id":"A2","order_date":"2025-08-08","order_status":"pending","updated_at":"2025-08-08T11:00:00Z"},
         {"order_id":"A2","order_date":"2025-08-08","order_status":"cancelled","updated_at":"2025-08-08T15:00:00Z"},
         {"order_id":"A3","order_date":"2025-08-09","order_status":"Pending","updated_at":"2025-08-09T00:00:00Z"},
         {"order_id":"A3","order_date":"2025-08-09","order_status":"Processing","updated_at":"2025-08-09T06:00:00Z"}]
        """

    func loaded() throws -> (TestServer, RawClient) {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(Request.post(ViewTests.history))
        #expect(try client.readResponse().text == #"{"inserted":8,"unchanged":0}"#)
        return (server, client)
    }

    func rows(_ client: RawClient, _ path: String) throws -> [[String: Any]] {
        try client.send(Request.get(path))
        let response = try client.readResponse()
        #expect(response.status == 200, "\(path): \(response.text)")
        return try #require(response.json as? [[String: Any]], "\(path): \(response.text)")
    }

    @Test func everyViewIsListedWithItsColumns() throws {
        let (server, client) = try loaded()
        defer { server.stop() }  // keeps the server alive until the test ends
        try client.send(Request.get("/views"))
        let listing = try #require(try client.readResponse().json as? [String: Any])
        let views = try #require(listing["views"] as? [[String: Any]])
        let names = views.compactMap { $0["name"] as? String }
        #expect(
            names == [
                "conflict_log_v", "conflict_summary_v", "contact_records_v", "customer_profiles_v",
                "entity_sync_state_v", "first_order_events_scratch_v", "first_order_events_v",
                "latest_order_scratch_v", "latest_order_v", "merged_orders_v", "order_lifecycle_metrics_scratch_v",
                "order_lifecycle_metrics_v", "order_stage_timings_scratch_v", "order_stage_timings_v",
                "order_status_daily_scratch_v", "order_status_daily_v", "order_status_summary_scratch_v",
                "order_status_summary_v", "recent_orders_scratch_v", "recent_orders_v", "shopify_orders_v",
                "source_event_summary_v", "source_events_v", "status_stages_v", "status_transitions_scratch_v", "status_transitions_v", "sync_runs_v",
            ])
        // Each projection-backed view and its from-scratch twin (docs/projections.md) have the same columns.
        for twin in names where twin.hasSuffix("_scratch_v") {
            let view = twin.replacingOccurrences(of: "_scratch_v", with: "_v")
            let columns = { (name: String) in views.first { $0["name"] as? String == name }?["columns"] as? [String] }
            #expect(columns(twin) != nil && columns(twin) == columns(view), "\(twin)")
        }
        let daily = try #require(views.first { $0["name"] as? String == "order_status_daily_v" })
        #expect(daily["columns"] as? [String] == ["day", "status", "orders", "stage"])
        #expect(daily["key"] as? [String] == ["day", "status"])
        #expect((daily["description"] as? String)?.contains("entered that status") == true)
    }

    @Test func lifecycleMetricsAreComputedFromTheEvents() throws {
        let (server, client) = try loaded()
        defer { server.stop() }  // keeps the server alive until the test ends
        let metrics = try rows(client, "/views/order_lifecycle_metrics_v")
        #expect(metrics.count == 3)
        let a1 = try #require(metrics.first { $0["order_id"] as? String == "A1" })
        #expect(a1["versions"] as? Int == 4)
        #expect(a1["first_status"] as? String == "pending")
        #expect(a1["current_status"] as? String == "delivered")
        #expect(a1["hours_to_processing"] as? Double == 2)
        #expect(a1["hours_to_shipped"] as? Double == 26)
        #expect(a1["hours_to_delivered"] as? Double == 50)
        #expect(a1["hours_open"] as? Double == 50)
        #expect(a1["ended_cancelled"] as? Int == 0)
        let a2 = try #require(metrics.first { $0["order_id"] as? String == "A2" })
        #expect(a2["ended_cancelled"] as? Int == 1)
        #expect(a2["hours_to_processing"] is NSNull)
        let a3 = try #require(metrics.first { $0["order_id"] as? String == "A3" })
        #expect(a3["hours_to_processing"] as? Double == 6, "statuses compare case-insensitively")
    }

    @Test func dailySummaryTransitionsAndStages() throws {
        let (server, client) = try loaded()
        defer { server.stop() }  // keeps the server alive until the test ends
        let daily = try rows(client, "/views/order_status_daily_v")
        let pendingOn8th = daily.first { $0["day"] as? String == "2025-08-08" && $0["status"] as? String == "pending" }
        #expect(pendingOn8th?["orders"] as? Int == 2)
        #expect(daily.reduce(0) { $0 + ($1["orders"] as? Int ?? 0) } == 8)

        let summary = try rows(client, "/views/order_status_summary_v")
        #expect(summary.count == 3)
        #expect(summary.first { $0["status"] as? String == "processing" }?["share"] as? Double == 0.3333)

        let transitions = try rows(client, "/views/status_transitions_v")
        let toProcessing = try #require(
            transitions.first {
                $0["from_status"] as? String == "pending" && $0["to_status"] as? String == "processing"
            })
        #expect(toProcessing["transitions"] as? Int == 2)
        #expect(toProcessing["median_hours"] as? Double == 4, "median of 2 h and 6 h")
        #expect(toProcessing["avg_hours"] as? Double == 4)

        let stages = try rows(client, "/views/order_stage_timings_v")
        #expect(stages.map { $0["stage"] as? String } == ["processing", "shipped", "delivered"])
        #expect(stages.first?["orders_reached"] as? Int == 2)
        #expect(stages.last?["median_hours"] as? Double == 50)

        let first = try rows(client, "/views/first_order_events_v?order_id=A3")
        #expect(first.first?["first_status"] as? String == "Pending")
    }

    @Test func csvAndNdjsonFormats() throws {
        let (server, client) = try loaded()
        defer { server.stop() }  // keeps the server alive until the test ends
        try client.send(
            Request.post(
                #"[{"order_id":"Q,\"1\"","order_date":"2025-08-08","order_status":"new","order_details":"two\nlines"}]"#
            ))
        _ = try client.readResponse()
        try client.send(Request.get("/views/latest_order_v?format=csv&order_id=Q%2C%221%22"))
        let csv = try client.readResponse()
        #expect(csv.headers["content-type"]?.hasPrefix("text/csv") == true)
        let lines = csv.text.components(separatedBy: "\r\n")
        #expect(
            lines.first == "order_id,order_date,order_status,order_details,updated_at,ingested_at,versions,source,seq")
        #expect(lines.count > 1 && lines[1].hasPrefix(#""Q,""1""",2025-08-08T00:00:00Z,new,"two"#))
        try client.send(Request.get("/views/order_status_summary_v", headers: ["Accept: application/x-ndjson"]))
        let ndjson = try client.readResponse()
        #expect(ndjson.headers["content-type"] == "application/x-ndjson")
        let objects = ndjson.text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8))
        }
        #expect(objects.count == 4)
    }

    @Test func pagingWithTheCursorCoversEveryRowOnce() throws {
        let (server, client) = try loaded()
        defer { server.stop() }  // keeps the server alive until the test ends
        let everything = try rows(client, "/views/order_status_daily_v")
        var next: String? = "/views/order_status_daily_v?limit=2"
        var paged: [[String: Any]] = []
        while let path = next {
            try client.send(Request.get(path))
            let response = try client.readResponse()
            paged += try #require(response.json as? [[String: Any]])
            next = response.headers["link"].flatMap {
                $0.split(separator: ";").first.map { String($0.dropFirst().dropLast()) }
            }
        }
        #expect(paged.count == everything.count)
        #expect(
            paged.map { "\($0["day"] ?? "")/\($0["status"] ?? "")" }
                == everything.map { "\($0["day"] ?? "")/\($0["status"] ?? "")" })
    }

    @Test func filtersAreBoundAndLimitedToTheViewsColumns() throws {
        let (server, client) = try loaded()
        defer { server.stop() }  // keeps the server alive until the test ends
        #expect(try rows(client, "/views/latest_order_v?order_id=A1%27%20OR%201%3D1%20--").isEmpty)
        #expect(try rows(client, "/views/order_lifecycle_metrics_v?versions=4").count == 1)
        for path in [
            "/views/latest_order_v?payload=x", "/views/latest_order_v?limit=0", "/views/latest_order_v?format=xml",
            "/views/latest_order_v?cursor=nonsense", "/views/latest_order_v?order_id=a&order_id=b",
        ] {
            try client.send(Request.get(path))
            let response = try client.readResponse()
            #expect(response.status == 400, "\(path)")
        }
        try client.send(Request.get("/views/sqlite_schema"))
        #expect(try client.readResponse().status == 404)
    }

    @Test func etagGivesNotModifiedUntilTheDataChanges() throws {
        let (server, client) = try loaded()
        defer { server.stop() }  // keeps the server alive until the test ends
        try client.send(Request.get("/views/order_status_summary_v"))
        let first = try client.readResponse()
        let etag = try #require(first.headers["etag"])
        try client.send(Request.get("/views/order_status_summary_v", headers: ["If-None-Match: \(etag)"]))
        let unchanged = try client.readResponse()
        #expect(unchanged.status == 304)
        #expect(unchanged.body.isEmpty)
        try client.send(Request.post(Orders.batch(["new-one"])))
        _ = try client.readResponse()
        try client.send(Request.get("/views/order_status_summary_v", headers: ["If-None-Match: \(etag)"]))
        let changed = try client.readResponse()
        #expect(changed.status == 200)
        #expect(changed.headers["etag"] != etag)
    }

    @Test func aRunawayViewQueryIsStoppedWithAClearError() throws {
        let directory = TemporaryDirectory()
        let sql = directory.file("sql")
        try FileManager.default.copyItem(atPath: Repository.sqlDirectory, toPath: sql)
        try """
        -- slow_v: counts to a hundred million, the slow way.
        CREATE VIEW slow_v AS SELECT count(*) AS n FROM (
            WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000000) SELECT x FROM c);
        """.write(toFile: sql + "/views/slow_v.sql", atomically: true, encoding: .utf8)
        // The same in PostgreSQL's dialect (its statement timeout stops it).
        try """
        -- slow_v: waits a minute.
        CREATE VIEW slow_v AS SELECT count(*) AS n FROM pg_sleep(60);
        """.write(toFile: sql + "/postgresql/views/slow_v.sql", atomically: true, encoding: .utf8)
        let server = try TestServer(api: { $0.viewQueryTimeoutSeconds = 0.3 }, sqlDirectory: sql)
        let client = try RawClient(port: server.port)
        let started = Date()
        try client.send(Request.get("/views/slow_v"))
        let response = try client.readResponse()
        #expect(response.status == 503)
        #expect(response.text.contains("was stopped"))
        #expect(Date().timeIntervalSince(started) < 5)
        // The reader went back to the pool: other queries still work.
        try client.send(Request.get("/views/latest_order_v"))
        #expect(try client.readResponse().status == 200)
    }

    @Test(.enabled(if: TestEngine.isSQLite, "the sqlite3 shell reads SQLite files"))
    func theSQLiteShellReadsEveryView() throws {
        let (server, client) = try loaded()
        try client.send(Request.get("/views"))
        let listing = try #require(try client.readResponse().json as? [String: Any])
        let names = try #require(listing["views"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        for name in names {
            let shell = try runProgram(
                "/usr/bin/env", ["sqlite3", "-readonly", "-json", server.dbPath, "SELECT * FROM \(name)"])
            #expect(shell.status == 0, "\(name): \(shell.output)")
            // The sync and event views are empty here (nothing synced or received; SyncTests and
            // EventEndpointTests fill them): the shell prints nothing.
            if SyncViews.names.contains(name) || EventViews.names.contains(name) {
                #expect(shell.output.isEmpty, "\(name): \(shell.output)")
                continue
            }
            let shellRows = try JSONSerialization.jsonObject(with: Data(shell.output.utf8)) as? [Any]
            #expect(shellRows?.isEmpty == false, "\(name) has rows in the shell")
        }
    }

    @Test func theQueryCommandPrintsAViewWithoutTheServer() throws {
        let (server, _) = try loaded()
        let result = try runOrdersync(
            ["query", "order_status_daily_v", "--format", "csv", "--where", "status=pending"],
            environment: server.toolEnvironment)
        #expect(result.status == 0)
        #expect(
            result.output
                == "day,status,orders,stage\r\n2025-08-08,pending,2,placed\r\n2025-08-09,pending,1,placed\r\n")
        let unknown = try runOrdersync(["query", "nope_v"], environment: server.toolEnvironment)
        #expect(unknown.status != 0)
        #expect(unknown.output.contains("latest_order_v"))
    }

    @Test func recentOrdersComeNewestFirstWithALowerCasedStatus() throws {
        let (server, client) = try loaded()
        defer { server.stop() }
        // By change time (docs/contract.md §2, event time), not by arrival: A3 arrived last, but A1's
        // latest version (2025-08-10) is newer than A3's (2025-08-09) and A2's (2025-08-08).
        let recent = try rows(client, "/views/recent_orders_v?limit=2")
        #expect(recent.map { $0["order_id"] as? String } == ["A1", "A3"])
        #expect(
            try rows(client, "/views/recent_orders_v?status=processing").map { $0["order_id"] as? String } == ["A3"])
    }

    @Test func theDashboardIsOnePageThatNeedsNoToken() throws {
        let server = try TestServer(api: { $0.authToken = "t0ken" })
        let client = try RawClient(port: server.port)
        try client.send(Request.get("/dashboard"))
        let page = try client.readResponse()
        #expect(page.status == 200)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true)
        #expect(page.text.contains("<svg") || page.text.contains("svg"))
        for reference in ["src=\"http", "href=\"http", "url(http", "@import", "fetch('http", "fetch(\"http"] {
            #expect(!page.text.contains(reference), "nothing loads from elsewhere: \(reference)")
        }
        try client.send(Request.get("/views"))
        #expect(try client.readResponse().status == 401, "the data behind it still needs the token")
    }

    @Test func limitAllStreamsEveryRowAcrossChunks() throws {
        let server = try TestServer(api: { $0.streamChunkRows = 3 })
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        try client.send(Request.post(ViewTests.history))
        _ = try client.readResponse()
        try client.send(Request.post(Orders.batch((0..<20).map { "bulk-\($0)" })))
        _ = try client.readResponse()
        try client.send(Request.get("/views/latest_order_v?limit=all&format=csv"))
        let streamed = try client.readResponse()
        #expect(streamed.headers["transfer-encoding"] == "chunked")
        #expect(streamed.headers["link"] == nil)
        #expect(streamed.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 24)
        try client.send(Request.get("/views/latest_order_v?limit=all"))
        #expect((try client.readResponse().json as? [Any])?.count == 23)
    }
}

/// Views over synced data (source_records, sync_runs).
/// The views over source_events, conflict_log and entity_sync_state (sql/views/source_events_v.sql, …):
/// empty until a webhook or change event arrives.
enum EventViews {
    static let names: Set<String> = [
        "conflict_log_v", "conflict_summary_v", "entity_sync_state_v", "source_event_summary_v", "source_events_v",
    ]
}

enum SyncViews {
    static let names: Set<String> = [
        "contact_records_v", "customer_profiles_v", "merged_orders_v", "shopify_orders_v", "sync_runs_v",
    ]
}
