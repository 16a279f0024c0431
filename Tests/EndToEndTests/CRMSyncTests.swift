import Foundation
import OrderCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Two-way sync's outbound half end to end (docs/customers.md §3, §10): the real `ordersync serve`
/// with both CRMs configured, against `ordersync-fake-providers`' HubSpot and Salesforce in a process
/// of their own, with injected 429s and 5xx, 1 % of customers whose email the CRMs refuse, and the
/// server killed with `-9` in the middle of the deliveries. Each CRM must end with every valid
/// customer's latest state, the dead-letter queue must hold exactly the refused customers, each
/// customer's versions must reach a CRM in order, and no request may go past HubSpot's window.
@Suite(.serialized) struct CRMSyncTests {
    static let customers = 100
    static let changesPerCustomer = 6

    static func environment(_ fake: FakeProviders) -> [String: String] {
        [
            "HUBSPOT_ACCESS_TOKEN": "pat-fake", "HUBSPOT_API_URL": fake.base + "/hubspot",
            "SALESFORCE_CLIENT_ID": "sf-fake-client", "SALESFORCE_CLIENT_SECRET": "sf-fake-secret",
            "SALESFORCE_LOGIN_URL": fake.base, "SALESFORCE_EXTERNAL_ID_FIELD": "Ordersync_Id__c",
            // Fast retries: the fake injects failures in bursts.
            "OUTBOX_RETRY_DELAYS": "0.05,0.1,0.2,0.5", "OUTBOX_MAX_ATTEMPTS": "30",
        ]
    }

    /// Customer `n`'s email: 1 in 100 ends in `.invalid`, which ordersync accepts and both CRMs refuse.
    static func email(_ n: Int) -> String { n % 100 == 7 ? "c\(n)@example.invalid" : "c\(n)@example.org" }

    /// Change `step` of customer `n`: the city carries the step, so the order of arrival is visible.
    static func change(_ n: Int, _ step: Int) -> (method: String, body: String?) {
        let city = String(format: "step-%03d", step)
        switch step {
        case 0: return ("PUT", #"{"email":"\#(email(n))","first_name":"F\#(n)","last_name":"L\#(n)","city":"\#(city)"}"#)
        case changesPerCustomer - 1 where n % 10 == 3: return ("DELETE", nil)
        case 3: return ("PUT", #"{"email":"\#(email(n))","first_name":"G\#(n)","last_name":"L\#(n)","city":"\#(city)"}"#)
        default: return ("PATCH", #"{"city":"\#(city)"}"#)
        }
    }

    /// Sends `steps` of every customer from 8 threads (one customer's steps in order); answers that
    /// never came (the server was killed) are left out: the server's own state is the truth.
    static func send(port: UInt16, steps: Range<Int>) {
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for n in stride(from: worker, to: customers, by: 8) {
                for step in steps {
                    let (method, body) = change(n, step)
                    var lines = ["\(method) /customers/c-\(n) HTTP/1.1", "Host: test"]
                    if let body { lines += ["Content-Type: application/json", "Content-Length: \(body.utf8.count)"] }
                    guard let client = try? RawClient(port: port) else { return }
                    try? client.send(lines.joined(separator: "\r\n") + "\r\n\r\n" + (body ?? ""))
                    _ = try? client.readResponse()
                }
            }
        }
    }

    /// A GET over a socket of its own (no curl process per call: this test polls hundreds of times).
    static func get(_ base: String, _ path: String) throws -> JSONValue {
        guard let port = base.split(separator: ":").last.flatMap({ UInt16($0) }) else {
            throw FakeProviders.Failed(description: "no port in \(base)")
        }
        let client = try RawClient(port: port)
        try client.send(Request.get(path))
        let response = try client.readResponse()
        guard response.status == 200 else {
            throw FakeProviders.Failed(description: "GET \(path): HTTP \(response.status) \(response.text.prefix(200))")
        }
        return try JSONParser.parse(response.body)
    }

    @Test(arguments: ["sqlite", "postgresql"])
    func everyValidCustomerArrivesInOrderThroughFaultsAndAKill(engine: String) throws {
        let directory = TemporaryDirectory()
        let postgres = engine == "postgresql"
        let dbPath: String? = postgres ? nil : directory.file("crm.db")
        let fake = try FakeProviders(arguments: [
            "--fault", "hubspot:rate-limit:3:0", "--fault", "hubspot:status:4:502", "--fault", "salesforce:status:4:503",
            "--fault", "salesforce:drop:2",
        ])
        var environment = Self.environment(fake)
        if postgres { environment["DATABASE_URL"] = try PostgresCluster.shared().makeDatabase() }
        var server = try ServerProcess(dbPath: dbPath, environment: environment)
        Self.send(port: server.port, steps: 0..<3)
        // Killed while the workers deliver: whatever was not settled is still pending after the restart.
        server.signal(SIGKILL)
        _ = server.waitForExit()
        server = try ServerProcess(dbPath: dbPath, environment: environment)
        Self.send(port: server.port, steps: 3..<Self.changesPerCustomer)
        let base = "http://127.0.0.1:\(server.port)"

        // Both CRMs drained (bounded: a stuck outbox fails the test, never hangs it).
        var drained = false
        for _ in 0..<600 where !drained {
            let crms = try Self.get(base, "/outbox")["crms"]?.arrayValue ?? []
            drained = crms.count == 2 && crms.allSatisfy { $0["pending_versions"]?.int == 0 }
            if !drained { usleep(100_000) }
        }
        let outbox = (try? Self.get(base, "/outbox")).map { "\($0)" } ?? "unreadable"
        #expect(drained, "the outbox never drained: \(outbox)")

        // The server's states: the truth every CRM must hold.
        var live: [String: JSONValue] = [:]
        var after = ""
        while true {
            let page = try Self.get(base, "/customers?limit=1000" + (after.isEmpty ? "" : "&after=\(after)"))
            for customer in page["customers"]?.arrayValue ?? [] {
                if case .string(let id)? = customer["id"] { live[id] = customer["customer"] }
            }
            guard case .string(let next)? = page["next_after"] else { break }
            after = next
        }
        let refused = Set((0..<Self.customers).filter { Self.email($0).hasSuffix(".invalid") }.map { "c-\($0)" })
        let valid = live.filter { !refused.contains($0.key) }
        #expect(live.count >= Self.customers - Self.customers / 10, "customers left: \(live.count)")

        // HubSpot: a contact per valid live customer, by email, with its latest city; none for the others.
        let hubspot = try Self.get(fake.base, "/_fake/crm/contacts?provider=hubspot")["contacts"]?.arrayValue ?? []
        var hubspotCities: [String: String] = [:]
        for contact in hubspot {
            if case .string(let email)? = contact["properties"]?["email"], case .string(let city)? = contact["properties"]?["city"] {
                hubspotCities[email] = city
            }
        }
        var expectedByEmail: [String: String] = [:]
        for (_, customer) in valid {
            if case .string(let email)? = customer["email"], case .string(let city)? = customer["city"] {
                expectedByEmail[email] = city
            }
        }
        #expect(expectedByEmail.count >= Self.customers * 8 / 10, "valid live customers: \(expectedByEmail.count)")
        #expect(hubspotCities == expectedByEmail)

        // Salesforce: a Contact per valid live customer, by external id, with its latest city.
        let salesforce = try Self.get(fake.base, "/_fake/crm/contacts?provider=salesforce")["contacts"]?.arrayValue ?? []
        var salesforceCities: [String: String] = [:]
        for contact in salesforce {
            if case .string(let id)? = contact["Ordersync_Id__c"], case .string(let city)? = contact["MailingCity"] {
                salesforceCities[id] = city
            }
        }
        var expectedByID: [String: String] = [:]
        for (id, customer) in valid { if case .string(let city)? = customer["city"] { expectedByID[id] = city } }
        #expect(salesforceCities == expectedByID)

        // The dead-letter queue holds exactly the refused customers, in both CRMs.
        let dead = try Self.get(base, "/outbox/dead?limit=1000")["dead"]?.arrayValue ?? []
        for crm in ["hubspot", "salesforce"] {
            let ids = Set(dead.filter { $0["crm"] == .string(crm) }.compactMap { letter -> String? in
                if case .string(let id)? = letter["customer_id"] { return id } else { return nil }
            })
            #expect(ids == refused, "\(crm) dead letters: \(ids)")
        }

        // In order: a CRM never saw a customer's city step go back; HubSpot never refused a request for
        // its rate window other than the injected ones.
        for provider in ["hubspot", "salesforce"] {
            var since = 0
            var lastStep: [String: String] = [:]
            var unexpected429 = 0
            var records = 0
            while true {
                let log = try Self.get(fake.base, "/_fake/crm/requests?provider=\(provider)&since=\(since)&limit=5000")
                for entry in log["entries"]?.arrayValue ?? [] {
                    if entry["status"]?.int == 429 && entry["fault"] == .null { unexpected429 += 1 }
                    for record in entry["records"]?.arrayValue ?? [] {
                        guard case .string(let key)? = record["key"],
                            case .string(let city)? = record["record"]?["city"] ?? record["record"]?["MailingCity"]
                        else { continue }
                        records += 1
                        #expect(city >= lastStep[key] ?? "", "\(provider) \(key): \(city) after \(lastStep[key] ?? "")")
                        lastStep[key] = city
                    }
                }
                guard log["more"] == .bool(true), let next = log["next_since"]?.int else { break }
                since = next
            }
            #expect(unexpected429 == 0, "\(provider): \(unexpected429) requests over the window")
            #expect(records >= expectedByID.count, "\(provider): \(records) records in the log")
            print("CRM sync \(engine) \(provider): \(records) records sent for \(expectedByID.count) valid customers")
        }
        server.signal(SIGTERM)
        #expect(server.waitForExit().status == 0)
    }
}

extension JSONValue {
    var arrayValue: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }
}
