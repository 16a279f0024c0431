import Foundation
import Testing

/// Filters compare as docs/contract.md §3 says: `GET /?status=` ignores ASCII case; view filters are
/// exact (typed by the value's form) unless `column__ieq=` asks to ignore case; every hostile filter
/// is a clear 400 and every value is bound.
@Suite struct FilterTests {
    private func loaded() throws -> (TestServer, RawClient) {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(Request.post(ViewTests.history))
        #expect(try client.readResponse().status == 200)
        return (server, client)
    }

    private func get(_ client: RawClient, _ path: String) throws -> RawResponse {
        try client.send(Request.get(path))
        return try client.readResponse()
    }

    private func ids(_ client: RawClient, _ path: String, key: String = "order_id") throws -> [String] {
        let response = try get(client, path)
        #expect(response.status == 200, "\(path): \(response.text)")
        let rows = try #require(response.json as? [[String: Any]], "\(path): \(response.text)")
        return rows.compactMap { $0[key] as? String }.sorted()
    }

    @Test func latestStatusFilterIgnoresASCIICase() throws {
        let (server, client) = try loaded()
        defer { server.stop() }
        // A3's latest status is "Processing"; A1's "delivered".
        for query in ["processing", "Processing", "PROCESSING", "pRoCeSsInG"] {
            #expect(try ids(client, "/?status=\(query)") == ["A3"], "\(query)")
            #expect(try ids(client, "/?status=\(query)&limit=10") == ["A3"], "\(query) paged")
        }
        #expect(try ids(client, "/?status=DELIVERED") == ["A1"])
        // Only ASCII case: no trimming, no other folding.
        #expect(try ids(client, "/?status=processing%20").isEmpty)
        #expect(try ids(client, "/?status=Proce%C5%9Fsing").isEmpty)
        #expect(try ids(client, "/?status=%27%20OR%201%3D1%20--").isEmpty)
    }

    @Test func viewEqualityIsExactAndIeqIgnoresCase() throws {
        let (server, client) = try loaded()
        defer { server.stop() }
        // Exact: case counts.
        #expect(try ids(client, "/views/latest_order_v?order_status=Processing") == ["A3"])
        #expect(try ids(client, "/views/latest_order_v?order_status=processing").isEmpty)
        // __ieq: ASCII case ignored, text only.
        #expect(try ids(client, "/views/latest_order_v?order_status__ieq=processing") == ["A3"])
        #expect(try ids(client, "/views/latest_order_v?order_status__ieq=PROCESSING&order_id=A3") == ["A3"])
        #expect(try ids(client, "/views/latest_order_v?order_id__ieq=a1") == ["A1"])
        // Numbers: a computed integer column matches the number, in any canonical form, never text.
        #expect(try ids(client, "/views/order_lifecycle_metrics_v?versions=4") == ["A1"])
        #expect(try ids(client, "/views/order_lifecycle_metrics_v?versions=4.0") == ["A1"])
        #expect(try ids(client, "/views/order_lifecycle_metrics_v?versions__ieq=4").isEmpty)
        // A text column compares a number-looking value as text.
        #expect(try ids(client, "/views/latest_order_v?order_id=1").isEmpty)
        // The Link of a filtered page keeps the __ieq filter.
        let paged = try get(client, "/views/latest_order_v?order_status__ieq=PENDING&limit=1")
        #expect(paged.status == 200)
        let rows = try #require(paged.json as? [Any])
        #expect(rows.isEmpty)  // no order's latest status is pending
        let page = try get(client, "/views/order_status_daily_v?status__ieq=PENDING&limit=1")
        #expect(page.status == 200, "\(page.text)")
        let link = try #require(page.headers["link"], "\(page.headers)")
        #expect(link.contains("status__ieq=PENDING"), "\(link)")
        let next = String(link.dropFirst().prefix { $0 != ">" })
        #expect(try ids(client, next, key: "day") == ["2025-08-09"])
    }

    @Test func hostileViewFiltersAreClear400sAndValuesAreBound() throws {
        let (server, client) = try loaded()
        defer { server.stop() }
        let injected = "A1%27%20OR%201%3D1%20--"
        #expect(try ids(client, "/views/latest_order_v?order_id=\(injected)").isEmpty)
        #expect(try ids(client, "/views/latest_order_v?order_id__ieq=\(injected)").isEmpty)
        #expect(
            try ids(client, "/views/latest_order_v?order_status=x%22%3B%20DROP%20TABLE%20orders_raw%3B%20--").isEmpty)
        #expect(try server.rowCount() == 8)
        let cases: [(String, String)] = [
            ("/views/latest_order_v?nope=1", "is not a column of latest_order_v"),
            ("/views/latest_order_v?nope__ieq=1", "is not a column of latest_order_v"),
            ("/views/latest_order_v?order_id__like=A%25", "is not a column of latest_order_v"),
            ("/views/latest_order_v?order_id__ieq=a&order_id__ieq=b", "more than once"),
            ("/views/latest_order_v?%22order_id%22=A1", "is not a column"),
            ("/views/latest_order_v?order_id=" + String(repeating: "x", count: 4_097), "longer than 4096 bytes"),
        ]
        for (path, message) in cases {
            let response = try get(client, path)
            #expect(response.status == 400, "\(path.prefix(80))")
            #expect(response.headers["content-type"] == "application/problem+json")
            #expect(
                (response.json as? [String: Any])?["detail"].map { "\($0)".contains(message) } == true,
                "\(response.text)")
        }
        // Many filters: up to the limit they are answered, beyond it a 400 says the limit.
        let columns = ["order_id", "order_date", "order_status", "order_details", "updated_at", "ingested_at"]
        let many = columns.flatMap { ["\($0)=x", "\($0)__ieq=x"] }
        #expect(try ids(client, "/views/latest_order_v?" + many.joined(separator: "&")).isEmpty)
        let tooMany = (0..<33).map { "c\($0)=1" }
        let refused = try get(client, "/views/latest_order_v?" + tooMany.joined(separator: "&"))
        #expect(refused.status == 400)
        #expect(refused.text.contains("at most 32 filters"), "\(refused.text)")
        // A value of exactly the limit is fine.
        #expect(try ids(client, "/views/latest_order_v?order_id=" + String(repeating: "y", count: 4_096)).isEmpty)
    }

    @Test func theQueryCommandTakesTheSameFilters() throws {
        let (server, _) = try loaded()
        defer { server.stop() }
        func query(_ arguments: [String]) throws -> (status: Int32, output: String) {
            try runOrdersync(
                ["query", "latest_order_v", "--format", "csv"] + arguments, environment: server.toolEnvironment)
        }
        let exact = try query(["--where", "order_status=processing"])
        #expect(exact.status == 0)
        #expect(exact.output.split(separator: "\r\n").count == 1, "\(exact.output)")  // the header only
        let ignoringCase = try query(["--where", "order_status__ieq=processing"])
        #expect(ignoringCase.status == 0)
        #expect(ignoringCase.output.contains("\r\nA3,"), "\(ignoringCase.output)")
        let injected = try query(["--where", "order_id=A1' OR 1=1 --"])
        #expect(injected.status == 0 && injected.output.split(separator: "\r\n").count == 1)
        for bad in [
            ["--where", "nope=1"], ["--where", "order_id__like=1"], ["--where", "order_id"],
            ["--where", "order_id=" + String(repeating: "x", count: 4_097)],
        ] {
            let refused = try query(bad)
            #expect(refused.status != 0, "\(bad)")
            #expect(refused.output.contains("--where"), "\(refused.output)")
        }
        let tooMany = try query((0..<33).flatMap { _ in ["--where", "order_id=x"] })
        #expect(tooMany.status != 0 && tooMany.output.contains("at most 32 filters"), "\(tooMany.output)")
    }
}
