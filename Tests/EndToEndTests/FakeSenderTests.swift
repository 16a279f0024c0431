import FakeSender
import Foundation
import Testing

/// `ordersync-fake-providers send` against the real server (docs/fake-providers.md, "Sender"): small
/// runs, every request acknowledged, every intended duplicate answered `duplicate`, and what the
/// database holds afterwards equal to what the sender expected. Every request has a 5 s socket
/// timeout and every test a time limit, so none can hang.
@Suite(.timeLimit(.minutes(2))) struct FakeSenderTests {
    // The event endpoints' own test server and secrets (EventEndpointTests).
    static let shopifySecret = EventEndpointTests.shopifySecret
    static let wooSecret = EventEndpointTests.wooSecret

    static func server(authToken: String? = nil) throws -> TestServer {
        try EventEndpointTests.server(authToken: authToken)
    }

    static func options(_ server: TestServer) -> SendOptions {
        var options = SendOptions()
        options.target = "http://127.0.0.1:\(server.port)"
        options.shopifySecret = shopifySecret
        options.wooCommerceSecret = wooSecret
        options.concurrency = 6
        options.timeoutSeconds = 5
        return options
    }

    /// Each order's latest status as the server's view has it.
    static func latest(_ server: TestServer) throws -> [String: String] {
        var latest: [String: String] = [:]
        for row in try server.rows("SELECT order_id, order_status FROM latest_order_v") {
            if let id = row[0], let status = row[1] { latest[id] = status }
        }
        return latest
    }

    static func count(_ server: TestServer, _ sql: String) throws -> Int {
        Int(try server.rows(sql).first?.first??.description ?? "") ?? -1
    }

    @Test func webhooksWithDuplicatesAndBadSignaturesStoreEachEventOnce() throws {
        let server = try Self.server()
        var options = Self.options(server)
        options.webhooks = 150
        options.duplicatePercent = 20
        options.deletePercent = 20
        options.badSignatures = 2
        options.burst = 40
        options.pauseMilliseconds = 5
        let summary = try Sender.run(options)
        #expect(summary.ok, "\(summary.json.prefix(600))")
        #expect(summary.sent == 152)
        #expect(summary.failed == 0)
        #expect(summary.statuses[401] == 2)
        #expect(summary.intendedDuplicates == 30)
        #expect(summary.answers["duplicate"] == 30)
        #expect(summary.distinctEvents["shopify"] ?? 0 > 0 && summary.distinctEvents["woocommerce"] ?? 0 > 0)
        #expect(summary.expectedLatest.values.contains("deleted"))
        let distinct = summary.distinctEvents.values.reduce(0, +)
        #expect(distinct == 120)
        #expect(try Self.count(server, "SELECT count(*) FROM source_events") == distinct)
        #expect(try Self.count(server, "SELECT count(*) FROM orders_raw") == summary.expectedVersions)
        #expect(
            try Self.count(server, "SELECT count(*) FROM source_records WHERE source = 'shopify_customer'")
                == summary.expectedRecords)
        #expect(try Self.latest(server) == summary.expectedLatest)
    }

    /// `--rate`: an open loop. The k-th delivery is not sent before k ÷ rate seconds (so the phase
    /// lasts at least that long, whatever the machine), and what is stored is the same.
    @Test func anOfferedRateSpacesTheDeliveriesAndStoresTheSame() throws {
        let server = try Self.server()
        var options = Self.options(server)
        options.webhooks = 60
        options.deletePercent = 0
        options.rate = 200
        let summary = try Sender.run(options)
        #expect(summary.ok, "\(summary.json.prefix(600))")
        #expect(summary.sent == 60)
        #expect(summary.phaseSeconds.keys.sorted() == ["webhooks"])
        #expect(summary.phaseSeconds["webhooks"] ?? 0 >= 59.0 / 200)
        #expect(summary.json.contains(#""offered_per_second":200"#))
        #expect(try Self.count(server, "SELECT count(*) FROM orders_raw") == summary.expectedVersions)
        #expect(try Self.latest(server) == summary.expectedLatest)
    }

    @Test func theSameOrdersThroughPostSlashEndTheSame() throws {
        let server = try Self.server()
        var options = Self.options(server)
        options.webhooks = 100
        options.deletePercent = 20
        options.toAPI = true
        let summary = try Sender.run(options)
        #expect(summary.ok, "\(summary.json.prefix(600))")
        #expect(summary.answers["unchanged"] == summary.intendedDuplicates)
        #expect(try Self.count(server, "SELECT count(*) FROM orders_raw") == summary.expectedVersions)
        #expect(try Self.count(server, "SELECT count(*) FROM source_events") == 0)
        #expect(try Self.latest(server) == summary.expectedLatest)
    }

    @Test func aDebeziumStreamAndItsReplayStoreEachChangeOnce() throws {
        let server = try Self.server(authToken: "cdc-t0ken")
        var options = Self.options(server)
        options.cdcChanges = 400
        options.cdcReplayPercent = 10
        options.token = "cdc-t0ken"
        let summary = try Sender.run(options)
        #expect(summary.ok, "\(summary.json.prefix(600))")
        #expect(summary.sent == 440)
        #expect(summary.answers["duplicate"] == 40)
        #expect(summary.answers["applied"] == 400)
        #expect(try Self.count(server, "SELECT count(*) FROM source_events WHERE source = 'debezium'") == 400)
        #expect(try Self.count(server, "SELECT count(*) FROM orders_raw") == 400)
        #expect(summary.expectedLatest.values.contains("deleted"))
        #expect(try Self.latest(server) == summary.expectedLatest)

        // Without the token every change is refused: the run fails and says so.
        var unauthorized = Self.options(server)
        unauthorized.cdcChanges = 5
        let refused = try Sender.run(unauthorized)
        #expect(!refused.ok)
        #expect(refused.statuses[401] == 5)
    }

    /// The command line: one JSON line, exit 0; a wrong secret is exit 1.
    @Test func theSendCommandPrintsOneSummaryLineAndFailsOnRefusals() throws {
        let server = try Self.server()
        let program = Repository.program("ordersync-fake-providers")
        let arguments = [
            "send", "--target", "http://127.0.0.1:\(server.port)", "--webhooks", "30", "--concurrency", "4",
            "--shopify-secret", Self.shopifySecret, "--woocommerce-secret", Self.wooSecret, "--timeout", "5",
        ]
        let (status, output) = try runProgramWithin(60, program, arguments)
        #expect(status == 0, "\(output.prefix(400))")
        let lines = output.split(separator: "\n")
        #expect(lines.count == 1)
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any])
        #expect(summary["ok"] as? Bool == true)
        #expect(summary["sent"] as? Int == 30)
        #expect((summary["latency_ms"] as? [String: Any])?["p99"] != nil)

        let wrong = arguments.map { $0 == Self.wooSecret ? "not-the-secret" : $0 }
        let (refusedStatus, refusedOutput) = try runProgramWithin(60, program, wrong)
        #expect(refusedStatus == 1)
        #expect(refusedOutput.contains(#""ok":false"#))

        // A rate that cannot be offered is refused before anything is sent.
        let events = try Self.count(server, "SELECT count(*) FROM source_events")
        for rate in [["--rate", "-1"], ["--rate", "nan"], ["--rate", "2000000"], ["--rate", "10", "--burst", "5"]] {
            let (badStatus, badOutput) = try runProgramWithin(60, program, arguments + rate)
            #expect(badStatus != 0 && badOutput.contains("--rate"), "\(rate): \(badOutput.prefix(300))")
        }
        #expect(try Self.count(server, "SELECT count(*) FROM source_events") == events)
    }
}
