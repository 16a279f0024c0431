import Foundation
import OrderCore
import SQLite
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The sync end to end: the real `ordersync sync` (its worker on URLSession) against the fake
/// providers over real sockets, then the SQLite file read back.
@Suite(.serialized) struct SyncTests {
    let directory = TemporaryDirectory()
    var dbPath: String { directory.file("sync.db") }

    /// Runs `ordersync sync`; the exit status and the parsed summary.
    func sync(_ fakes: FakeProviders, _ extra: [String: String] = [:]) throws -> (
        status: Int32, summary: JSONValue, text: String
    ) {
        var environment = fakes.environment.merging(extra) { $1 }
        environment["DB_PATH"] = dbPath
        environment["SQL_DIR"] = Repository.sqlDirectory
        let (status, output, errors) = try runProgramKeepingErrors(
            Repository.executable, ["sync"], environment: environment.merging(["LOG_FORMAT": "json"]) { $1 })
        let line = output.split(separator: "\n").last.map(String.init) ?? ""
        // The worker's log lines (standard error) travel in `text`, which failing expectations print.
        return (status, (try? JSONParser.parse(Array(line.utf8))) ?? .null, output + errors)
    }

    func scalar(_ sql: String) throws -> Int {
        Int(try Connection(path: dbPath, mode: .readOnly).scalarInt(sql) ?? -1)
    }

    /// Every record of the data set is stored exactly once per version, and nothing else.
    func expectEverythingOnce(_ fakes: FakeProviders, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let dataset = try fakes.dataset()
        let orders = dataset["orders"]?.elements.count ?? -1
        let contacts = dataset["contacts"]?.elements.count ?? -1
        let customers = dataset["customers"]?.elements.count ?? -1
        #expect(
            try scalar("SELECT count(DISTINCT source_id) FROM source_records WHERE source = 'shopify'") == orders,
            sourceLocation: sourceLocation)
        #expect(
            try scalar("SELECT count(DISTINCT source_id) FROM source_records WHERE source = 'zoho'") == contacts,
            sourceLocation: sourceLocation)
        #expect(
            try scalar("SELECT count(DISTINCT source_id) FROM source_records WHERE source = 'customers'") == customers,
            sourceLocation: sourceLocation)
        // No version twice: (source, id, payload) is unique, and orders_raw has one row per order version.
        #expect(
            try scalar(
                "SELECT count(*) FROM (SELECT 1 FROM source_records GROUP BY source, source_id, payload HAVING count(*) > 1)"
            ) == 0, sourceLocation: sourceLocation)
        #expect(
            try scalar(
                "SELECT count(*) FROM (SELECT 1 FROM orders_raw WHERE source = 'shopify' GROUP BY order_id, updated_at HAVING count(*) > 1)"
            ) == 0, sourceLocation: sourceLocation)
        #expect(
            try scalar("SELECT count(*) FROM latest_order_v WHERE source = 'shopify'") == orders,
            sourceLocation: sourceLocation)
        // The latest stored version of each order is the provider's current one.
        let connection = try Connection(path: dbPath, mode: .readOnly)
        let latest = try connection.prepare(
            "SELECT source_id, updated_at FROM source_records AS r WHERE source = 'shopify' AND seq = (SELECT max(seq) FROM source_records WHERE source = 'shopify' AND source_id = r.source_id)"
        )
        var stored: [String: String] = [:]
        while try latest.step() { stored[latest.string(0) ?? ""] = latest.string(1) }
        var mismatches = 0
        for order in dataset["orders"]?.elements ?? [] {
            guard case .number(let id)? = order["id"], case .string(let updated)? = order["updated_at"] else {
                continue
            }
            if stored[id] != Timestamp(rfc3339: updated)?.millisecondsText { mismatches += 1 }
        }
        #expect(mismatches == 0, sourceLocation: sourceLocation)
    }

    @Test func fullSyncThenIncrementalSyncFetchesOnlyWhatChanged() throws {
        let fakes = try FakeProviders(arguments: ["--orders", "700", "--contacts", "2300", "--customers", "150"])
        let first = try sync(fakes)
        #expect(first.status == 0, "\(first.text)")
        #expect(first.summary["status"] == .string("succeeded"))
        try expectEverythingOnce(fakes)
        // Pages: 700 orders / 250, 2,300 contacts / 200 (page numbers to 2,000, then page_token).
        #expect(first.summary["connectors"]?["shopify"]?["pages"]?.int == 3)
        #expect(first.summary["connectors"]?["zoho"]?["pages"]?.int == 12)
        #expect(first.summary["connectors"]?["customers"]?["pages"]?.int == 2)
        #expect(try scalar("SELECT count(*) FROM orders_raw WHERE source = 'shopify'") == 700)

        // Every order is in the merge, matched exactly when its email belongs to a customer record. The
        // data set pads some emails, names and phones with tabs, CR/LF, NBSP, U+3000, ZWSP and BOMs.
        let dataset = try fakes.dataset()
        let counts = dataset["counts"]
        for padded in [
            "contacts_padded_email", "contacts_padded_name", "contacts_padded_phone", "customers_padded_email",
        ] {
            #expect((counts?[padded]?.int ?? 0) > 0, "\(padded)")
        }
        var customerKeys = Set<String>()
        for contact in dataset["contacts"]?.elements ?? [] {
            if case .string(let key)? = contact["email_key"] { customerKeys.insert(key) }
        }
        for user in dataset["customers"]?.elements ?? [] {
            if case .string(let email)? = user["email"], let key = ContactField.emailKey(email) {
                customerKeys.insert(key)
            }
        }
        var expectedUnmatched = 0
        for order in dataset["orders"]?.elements ?? [] {
            if case .string(let key)? = order["email_key"], customerKeys.contains(key) { continue }
            expectedUnmatched += 1
        }
        #expect(first.summary["merged_orders"]?.int == 700)
        #expect(first.summary["unmatched_orders"]?.int == expectedUnmatched)
        #expect(expectedUnmatched > 0 && expectedUnmatched < 700)
        #expect(try scalar("SELECT count(*) FROM merged_orders_v WHERE crm_match = 0") == expectedUnmatched)
        #expect(
            try scalar("SELECT count(DISTINCT email_key) FROM contact_records_v WHERE email_key IS NOT NULL")
                == customerKeys.count)
        // What the views show of customers carries no white space at either end.
        let fields = try Connection(path: dbPath, mode: .readOnly).prepare(
            "SELECT name, email, phone, company FROM contact_records_v UNION ALL SELECT order_customer_name, order_email, NULL, NULL FROM shopify_orders_v"
        )
        var untrimmed: [String] = []
        while try fields.step() {
            for column in Int32(0)..<4 {
                if let value = fields.string(column), ContactField.trimmed(value) != value { untrimmed.append(value) }
            }
        }
        #expect(untrimmed.isEmpty, "\(untrimmed.prefix(5))")
        // Plain SQLite: the shell reads every sync view too.
        for view in SyncViews.names.sorted() {
            let shell = try runProgram(
                "/usr/bin/env", ["sqlite3", "-readonly", dbPath, "SELECT count(*) > 0 FROM \(view)"])
            #expect(shell.output == "1\n", "\(view): \(shell.output)")
        }
        // Every state the connector stores is in the status vocabulary (docs/contract.md §2), and the
        // lifecycle views see synced orders reach their stages (the fake shop fulfils most of them).
        #expect(
            try scalar(
                "SELECT count(*) FROM orders_raw AS o WHERE source = 'shopify' AND NOT EXISTS (SELECT 1 FROM status_stages AS s WHERE s.status = lower(o.order_status))"
            ) == 0)
        #expect(
            try scalar(
                "SELECT count(*) FROM order_lifecycle_metrics_v AS m JOIN latest_order_v AS l USING (order_id) WHERE l.source = 'shopify' AND m.shipped_at IS NOT NULL"
            ) > 0)

        // Nothing changed: one page each (the cursor's inclusive bound), a token, nothing stored.
        try fakes.control("POST", "/_fake/reset-stats")
        let rows = try scalar("SELECT count(*) FROM source_records")
        let second = try sync(fakes)
        #expect(second.status == 0, "\(second.text)")
        #expect(second.summary["totals"]?["inserted"]?.int == 0)
        #expect(try scalar("SELECT count(*) FROM source_records") == rows)
        let stats = try fakes.stats()
        #expect(stats["providers"]?["shopify"]?["requests"]?.int == 1)
        #expect(stats["providers"]?["zoho"]?["requests"]?.int == 1)
        #expect(stats["providers"]?["zoho-token"]?["requests"]?.int == 1)
        #expect(stats["providers"]?["customers"]?["requests"]?.int == 2)  // no change filter: a full read

        // Some changes: only they are fetched and stored.
        try fakes.control("POST", "/_fake/mutate", "{\"orders\":5,\"contacts\":3,\"new_orders\":2,\"new_contacts\":1}")
        try fakes.control("POST", "/_fake/reset-stats")
        let third = try sync(fakes)
        #expect(third.status == 0, "\(third.text)")
        #expect(third.summary["connectors"]?["shopify"]?["inserted"]?.int == 7)
        #expect(third.summary["connectors"]?["zoho"]?["inserted"]?.int == 4)
        #expect(third.summary["connectors"]?["customers"]?["inserted"]?.int == 0)
        #expect(try fakes.stats()["providers"]?["shopify"]?["requests"]?.int == 1)
        try expectEverythingOnce(fakes)
    }

    @Test func injectedFaultsEndWithEveryRecordStoredOnce() throws {
        let fakes = try FakeProviders(arguments: ["--orders", "600", "--contacts", "500", "--customers", "120"])
        try fakes.inject(
            """
            [{"provider":"shopify","kind":"status","status":503,"count":2},
             {"provider":"shopify","kind":"rate-limit","retry_after":0.05,"count":2},
             {"provider":"shopify","kind":"truncate","count":1},
             {"provider":"zoho","kind":"status","status":500,"count":1},
             {"provider":"zoho","kind":"rate-limit","retry_after":0.05,"count":1},
             {"provider":"zoho","kind":"drop","count":1},
             {"provider":"zoho-token","kind":"status","status":502,"count":1},
             {"provider":"customers","kind":"truncate","count":1},
             {"provider":"customers","kind":"status","status":504,"count":1}]
            """)
        let run = try sync(fakes)
        #expect(run.status == 0, "\(run.text)")
        // 11 faults; libcurl itself re-sends a request whose reused connection closed before any answer
        // (the "drop" fault), so that one may not reach ordersync's own retry count.
        #expect((run.summary["totals"]?["retries"]?.int ?? 0) >= 10)
        try expectEverythingOnce(fakes)
        #expect(try fakes.stats()["providers"]?["shopify"]?["faults_pending"]?.int == 0)
    }

    @Test func aFailedRunReportsAndTheNextResumesWithoutLossOrDoubles() throws {
        let fakes = try FakeProviders(arguments: ["--orders", "1000", "--contacts", "300", "--customers", "30"])
        // Page 1 of Shopify succeeds, then the shop keeps failing beyond the retries.
        try fakes.inject(
            "[{\"provider\":\"shopify\",\"kind\":\"slow\",\"delay_ms\":1,\"count\":1},{\"provider\":\"shopify\",\"kind\":\"status\",\"status\":503,\"count\":50}]"
        )
        let failed = try sync(fakes, ["SYNC_MAX_ATTEMPTS": "2"])
        #expect(failed.status == 3, "\(failed.text)")
        #expect(failed.summary["status"] == .string("failed"))
        // No early return in this test: the resume half below must run whatever the failure looks like.
        let error = failed.summary["errors"]?.elements.first ?? .null
        #expect(error != .null, "no errors in \(failed.text)")
        #expect(error["connector"] == .string("shopify"))
        #expect(error["status"]?.int == 503)
        #expect(error["attempts"]?.int == 2)
        if case .string(let path)? = error["path"] {
            #expect(path.hasSuffix("/orders.json"))
        } else {
            Issue.record("no path in \(error)")
        }
        #expect(!failed.text.contains(FakeProviders.shopifyToken))
        // The other connectors ran; the first Shopify page is stored with its resume point.
        #expect(failed.summary["connectors"]?["zoho"]?["status"] == .string("succeeded"))
        #expect(try scalar("SELECT count(*) FROM source_records WHERE source = 'shopify'") == 250)
        #expect(try scalar("SELECT count(*) FROM sync_state WHERE connector = 'shopify' AND resume IS NOT NULL") == 1)

        try fakes.control("DELETE", "/_fake/faults")
        let resumed = try sync(fakes)
        #expect(resumed.status == 0, "\(resumed.text)")
        #expect(resumed.summary["connectors"]?["shopify"]?["resumed"] == .bool(true))
        #expect(resumed.summary["connectors"]?["shopify"]?["pages"]?.int == 3)
        try expectEverythingOnce(fakes)
        #expect(try scalar("SELECT count(*) FROM sync_runs WHERE status = 'failed'") == 1)
    }

    @Test func aWorkerKilledMidSyncResumesWithoutLossOrDoubles() throws {
        let fakes = try FakeProviders(arguments: ["--orders", "1250", "--contacts", "100", "--customers", "12"])
        // The third Shopify page hangs long enough to kill the worker during it.
        try fakes.inject(
            "[{\"provider\":\"shopify\",\"kind\":\"slow\",\"delay_ms\":1,\"count\":2},{\"provider\":\"shopify\",\"kind\":\"slow\",\"delay_ms\":30000,\"count\":1}]"
        )
        var environment = ProcessInfo.processInfo.environment.merging(fakes.environment) { $1 }
        environment["LOG_FORMAT"] = "json"
        let worker = Process()
        worker.executableURL = URL(fileURLWithPath: Repository.program("ordersync-sync"))
        worker.arguments = ["--db-path", dbPath, "--sql-dir", Repository.sqlDirectory]
        worker.environment = environment
        worker.standardOutput = FileHandle.nullDevice
        worker.standardError = FileHandle.nullDevice
        try worker.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, (try? scalar("SELECT count(*) FROM source_records WHERE source = 'shopify'")) != 500 {
            usleep(20_000)
        }
        kill(worker.processIdentifier, SIGKILL)
        worker.waitUntilExit()
        #expect(try scalar("SELECT count(*) FROM source_records WHERE source = 'shopify'") == 500)
        #expect(try scalar("SELECT count(*) FROM sync_runs WHERE status = 'running'") == 1)

        try fakes.control("DELETE", "/_fake/faults")
        let resumed = try sync(fakes)
        #expect(resumed.status == 0, "\(resumed.text)")
        #expect(resumed.summary["connectors"]?["shopify"]?["resumed"] == .bool(true))
        try expectEverythingOnce(fakes)
        #expect(try scalar("SELECT count(*) FROM sync_runs WHERE status = 'interrupted'") == 1)
    }

    @Test func anInvalidTokenIsRefreshedOnceAndAWrongRefreshTokenFailsCleanly() throws {
        let fakes = try FakeProviders(arguments: ["--orders", "10", "--contacts", "450", "--customers", "6"])
        // The API refuses the first access token once: ordersync renews it and asks again.
        try fakes.inject("[{\"provider\":\"zoho\",\"kind\":\"status\",\"status\":401,\"count\":1}]")
        let run = try sync(fakes)
        #expect(run.status == 0, "\(run.text)")
        #expect(try scalar("SELECT count(DISTINCT source_id) FROM source_records WHERE source = 'zoho'") == 450)
        #expect(try fakes.stats()["tokens_issued"]?.int == 2)

        let refused = try sync(fakes, ["ZOHO_REFRESH_TOKEN": "1000.revoked-refresh-token"])
        #expect(refused.status == 3, "\(refused.text)")
        #expect(refused.summary["connectors"]?["zoho"]?["status"] == .string("failed"))
        #expect(!refused.text.contains("1000.revoked-refresh-token"))
        #expect(!refused.text.contains(FakeProviders.zohoClientSecret))
    }

    @Test func exportWritesProfilesSortedByNameWithAQualityHeader() throws {
        let fakes = try FakeProviders(arguments: ["--orders", "200", "--contacts", "300", "--customers", "24"])
        #expect(try sync(fakes).status == 0)
        let output = directory.file("customers.json")
        let (status, text) = try runOrdersync(
            ["export", "customers", "--output", output], environment: ["DB_PATH": dbPath])
        #expect(status == 0, "\(text)")
        let document = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: output))))
        let customers = document["customers"]?.elements ?? []
        #expect(document["metadata"]?["count"]?.int == customers.count)
        #expect(customers.count == (try scalar("SELECT count(*) FROM customer_profiles_v")))
        #expect(customers.count > 0)
        let names = customers.compactMap { customer -> String? in
            if case .string(let name)? = customer["customer_name"] { return name }
            return nil
        }
        #expect(
            names
                == names.sorted { $0.lowercased() < $1.lowercased() || ($0.lowercased() == $1.lowercased() && $0 < $1) }
        )
        // Engagement facts are the real order history: they add up to the synced orders with an email.
        let orderCount = customers.reduce(0) { $0 + ($1["order_count"]?.int ?? 0) }
        #expect(
            orderCount
                == (try scalar(
                    "SELECT count(*) FROM shopify_orders_v WHERE email_key IN (SELECT email FROM customer_profiles_v)"))
        )
    }

    @Test func syncOverHTTPAnswersAfterCommitRefusesOverlapAndReplaysASchedulerRetry() throws {
        let fakes = try FakeProviders(arguments: ["--orders", "300", "--contacts", "200", "--customers", "12"])
        let server = try ServerProcess(
            dbPath: dbPath, environment: fakes.environment.merging(["AUTH_TOKEN": "sync-test-token"]) { $1 })
        let url = "http://127.0.0.1:\(server.port)/sync"
        let auth = ["-H", "Authorization: Bearer sync-test-token"]

        let (_, unauthorized) = try runProgram(
            "/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", url], includeErrors: false)
        #expect(unauthorized == "401")

        // The first run hangs on its first Shopify page; a second trigger meanwhile gets 409 naming it.
        try fakes.inject("[{\"provider\":\"shopify\",\"kind\":\"slow\",\"delay_ms\":3000,\"count\":1}]")
        let first = Process()
        first.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        first.arguments = ["-s", "-w", "\n%{http_code}", url] + auth
        let firstOutput = Pipe()
        first.standardOutput = firstOutput
        try first.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, (try? scalar("SELECT count(*) FROM sync_runs WHERE status = 'running'")) != 1 {
            usleep(20_000)
        }
        let (_, busy) = try runProgram(
            "/usr/bin/curl", ["-s", "-X", "POST", "-w", "\n%{http_code}", url] + auth, includeErrors: false)
        #expect(busy.hasSuffix("\n409"), "\(busy)")
        #expect(busy.contains("sync run 1 is running"))
        #expect(busy.contains("application/problem+json") || busy.contains("\"status\":409"))

        let answer = String(decoding: firstOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        first.waitUntilExit()
        #expect(answer.hasSuffix("\n200"), "\(answer)")
        let summary = try JSONParser.parse(Array(answer.split(separator: "\n").first.map(String.init)?.utf8 ?? "".utf8))
        #expect(summary["run_id"]?.int == 1)
        #expect(summary["trigger"] == .string("http"))
        // 200 means committed: the rows are there the moment the answer is.
        #expect(try scalar("SELECT count(*) FROM source_records WHERE source = 'shopify'") == 300)

        // Cloud Scheduler: a retried attempt for a slot that already synced gets the same summary.
        let scheduler =
            auth + ["-H", "X-CloudScheduler: true", "-H", "X-CloudScheduler-ScheduleTime: 2026-11-21T10:15:00Z"]
        let (_, once) = try runProgram("/usr/bin/curl", ["-s", "-X", "POST", url] + scheduler, includeErrors: false)
        let (_, again) = try runProgram("/usr/bin/curl", ["-s", "-X", "POST", url] + scheduler, includeErrors: false)
        let runOnce = try JSONParser.parse(Array(once.utf8))
        #expect(runOnce["trigger"] == .string("scheduler"))
        #expect(try JSONParser.parse(Array(again.utf8))["run_id"] == runOnce["run_id"])
        #expect(try scalar("SELECT count(*) FROM sync_runs") == 2)

        // A provider failure is a 502 problem document carrying the summary; no secret in it or the log.
        try fakes.inject("[{\"provider\":\"zoho-token\",\"kind\":\"status\",\"status\":500,\"count\":100}]")
        let (_, failed) = try runProgram(
            "/usr/bin/curl", ["-s", "-i", url] + auth, environment: [:], includeErrors: false)
        #expect(failed.hasPrefix("HTTP/1.1 502"), "\(failed)")
        #expect(failed.contains("application/problem+json"))
        #expect(failed.contains("\"summary\":{"))
        server.signal(SIGTERM)
        let (status, log) = server.waitForExit()
        #expect(status == 0)
        for secret in [
            FakeProviders.shopifyToken, FakeProviders.zohoClientSecret, FakeProviders.zohoRefreshToken,
            FakeProviders.customersKey, "sync-test-token",
        ] {
            #expect(!log.contains(secret), "log carries \(secret)")
            #expect(!failed.contains(secret))
        }
        #expect(log.contains("sync finished"))
    }
}
