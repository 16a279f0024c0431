import Foundation
import OrderAPI
import Storage
import Testing

/// The customer API and the outbox endpoints end to end (docs/customers.md §1, §4): the real server
/// over a socket, then the database read directly.
@Suite struct CustomerAPITests {
    static let crms = ["hubspot", "salesforce"]

    static func server() throws -> TestServer { try TestServer(crms: crms) }

    static func request(_ method: String, _ path: String, _ body: String? = nil, type: String = "application/json")
        -> String
    {
        var lines = ["\(method) \(path) HTTP/1.1", "Host: test"]
        if let body { lines += ["Content-Type: \(type)", "Content-Length: \(body.utf8.count)"] }
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + (body ?? "")
    }

    static func call(_ server: TestServer, _ method: String, _ path: String, _ body: String? = nil) throws -> (
        status: Int, json: [String: Any], headers: [String: String]
    ) {
        try call(port: server.port, method, path, body)
    }

    static func call(port: UInt16, _ method: String, _ path: String, _ body: String? = nil) throws -> (
        status: Int, json: [String: Any], headers: [String: String]
    ) {
        let client = try RawClient(port: port)
        try client.send(request(method, path, body))
        let response = try client.readResponse()
        return (response.status, response.json as? [String: Any] ?? [:], response.headers)
    }

    func count(_ server: TestServer, _ sql: String) throws -> Int {
        Int(try server.rows(sql).first?.first??.description ?? "") ?? -1
    }

    static let ana = #"{"email":"ana@example.org","first_name":"Ana","last_name":"Ruiz","phone_number":"+34 600 000 000"}"#

    @Test func putCreatesThenReplacesAndRepeatingChangesNothing() throws {
        let server = try Self.server()
        let created = try Self.call(server, "PUT", "/customers/c-1", Self.ana)
        #expect(created.status == 201)
        #expect(created.headers["location"] == "/customers/c-1")
        #expect(created.json["status"] as? String == "applied")
        #expect(created.json["queued"] as? Int == 2)
        let version = created.json["version"] as? [String: Any]
        #expect(version?["version"] as? Int == 1)
        #expect((version?["customer"] as? [String: Any])?["first_name"] as? String == "Ana")

        let again = try Self.call(server, "PUT", "/customers/c-1", Self.ana)
        #expect(again.status == 200)
        #expect(again.json["status"] as? String == "unchanged")
        #expect(again.json["queued"] as? Int == 0)

        // A replace drops the fields it leaves out.
        let replaced = try Self.call(server, "PUT", "/customers/c-1", #"{"email":"ana@example.org","first_name":"Ana M."}"#)
        #expect(replaced.status == 200)
        let state = (replaced.json["version"] as? [String: Any])?["customer"] as? [String: Any]
        #expect(state?["first_name"] as? String == "Ana M.")
        #expect(state?["last_name"] == nil)
        #expect(try count(server, "SELECT count(*) FROM customer_versions WHERE customer_id = 'c-1'") == 2)
        #expect(try count(server, "SELECT count(*) FROM customer_outbox WHERE customer_id = 'c-1'") == 4)
    }

    @Test func patchMergesDeleteKeepsHistoryAndGetShowsAll() throws {
        let server = try Self.server()
        #expect(try Self.call(server, "PATCH", "/customers/c-2", #"{"city":"Madrid"}"#).status == 404)
        #expect(try Self.call(server, "PUT", "/customers/c-2", Self.ana).status == 201)
        let patched = try Self.call(server, "PATCH", "/customers/c-2", #"{"city":"Madrid","phone_number":null}"#)
        #expect(patched.status == 200)
        let state = (patched.json["version"] as? [String: Any])?["customer"] as? [String: Any]
        #expect(state?["city"] as? String == "Madrid")
        #expect(state?["last_name"] as? String == "Ruiz")
        #expect(state?["phone_number"] == nil)

        let deleted = try Self.call(server, "DELETE", "/customers/c-2")
        #expect(deleted.status == 200)
        #expect((deleted.json["version"] as? [String: Any])?["deleted"] as? Bool == true)
        #expect(try Self.call(server, "DELETE", "/customers/c-2").json["status"] as? String == "unchanged")
        #expect(try Self.call(server, "DELETE", "/customers/never").status == 404)
        #expect(try Self.call(server, "PATCH", "/customers/c-2", #"{"city":"Lima"}"#).status == 404)

        let detail = try Self.call(server, "GET", "/customers/c-2")
        #expect(detail.status == 200)
        #expect((detail.json["current"] as? [String: Any])?["version"] as? Int == 3)
        #expect((detail.json["current"] as? [String: Any])?["deleted"] as? Bool == true)
        let history = detail.json["history"] as? [[String: Any]] ?? []
        #expect(history.map { $0["version"] as? Int } == [3, 2, 1])
        let deliveries = detail.json["deliveries"] as? [[String: Any]] ?? []
        #expect(deliveries.map { $0["crm"] as? String } == Self.crms)
        #expect(deliveries.map { $0["pending"] as? Int } == [3, 3])
        #expect(try Self.call(server, "GET", "/customers/nobody").status == 404)

        // A PUT brings a deleted customer back as a new version.
        #expect(try Self.call(server, "PUT", "/customers/c-2", Self.ana).json["status"] as? String == "applied")
    }

    @Test func postTakesTheFlatShapeWithItsIdAndNamesWhatItIgnored() throws {
        let server = try Self.server()
        let body = #"{"id":42,"first_name":"Li","last_name":"Wei","email":" li@example.com ","created_at":"x","plan":"pro"}"#
        let posted = try Self.call(server, "POST", "/customers", body)
        #expect(posted.status == 201)
        #expect(posted.headers["location"] == "/customers/42")
        #expect(posted.json["ignored_fields"] as? [String] == ["created_at", "plan"])
        let state = (posted.json["version"] as? [String: Any])?["customer"] as? [String: Any]
        #expect(state?["email"] as? String == "li@example.com")
        #expect(state?["id"] as? String == "42")
    }

    @Test(arguments: [
        (#"{"first_name":"No Email"}"#, "email"),
        (#"{"email":"not-an-email"}"#, "email"),
        (#"{"email":"a@b.c","first_name":7}"#, "first_name"),
        (#"{"email":"a@b.c","city":"Li\u0000ma"}"#, "city"),
        (#"{"id":"other","email":"a@b.c"}"#, "id"),
        (#"{"email":"a@b.c","updated_at":"yesterday"}"#, "updated_at"),
        (#"{"email":"a@b.c","country":"\#(String(repeating: "x", count: 256))"}"#, "country"),
    ])
    func invalidCustomersAre422AndStoreNothing(body: String, field: String) throws {
        let server = try Self.server()
        let answer = try Self.call(server, "PUT", "/customers/c-3", body)
        #expect(answer.status == 422)
        let errors = answer.json["errors"] as? [[String: Any]] ?? []
        #expect(errors.contains { $0["field"] as? String == field }, "\(answer.json)")
        #expect(try count(server, "SELECT count(*) FROM customer_versions") == 0)
        #expect(try count(server, "SELECT count(*) FROM customer_outbox") == 0)
    }

    @Test func brokenBodiesGetTheirStatusAndStoreNothing() throws {
        let server = try Self.server()
        for (request, status) in [
            (Self.request("PUT", "/customers/c-4", #"{"email":"#), 400),
            (Self.request("PUT", "/customers/c-4", "[1,2]"), 422),
            (Self.request("PUT", "/customers/c-4", Self.ana, type: "text/plain"), 415),
            (Self.request("PUT", "/customers/c-4", String(repeating: " ", count: 70_000) + Self.ana), 413),
            (Self.request("POST", "/customers", #"{"email":"a@b.c"}"#), 422),
            (Self.request("PATCH", "/customers/c-4", #"{"email":null}"#), 422),
            (Self.request("GET", "/customers?limit=0"), 400),
            (Self.request("GET", "/customers?limit=5&limit=6"), 400),
            (Self.request("GET", "/customers?sort=name"), 400),
        ] {
            let client = try RawClient(port: server.port)
            try client.send(request)
            let response = try client.readResponse()
            #expect(response.status == status, "\(request.prefix(60)): \(response.text)")
        }
        #expect(try count(server, "SELECT count(*) FROM customer_versions") == 0)
    }

    @Test func anOlderChangeIsKeptInHistoryLoggedAndNotSent() throws {
        let server = try Self.server()
        let newer = #"{"email":"ana@example.org","city":"Lima","updated_at":"2026-05-02T10:00:00Z"}"#
        let older = #"{"email":"ana@example.org","city":"Quito","updated_at":"2026-05-01T10:00:00Z"}"#
        #expect(try Self.call(server, "PUT", "/customers/c-5", newer).status == 201)
        let stale = try Self.call(server, "PUT", "/customers/c-5", older)
        #expect(stale.status == 200)
        #expect(stale.json["status"] as? String == "stale")
        #expect((stale.json["version"] as? [String: Any])?["applied"] as? Bool == false)
        let current = try Self.call(server, "GET", "/customers/c-5").json["current"] as? [String: Any]
        #expect((current?["customer"] as? [String: Any])?["city"] as? String == "Lima")
        #expect(try count(server, "SELECT count(*) FROM customer_outbox WHERE version = 2") == 0)
        #expect(
            try count(
                server,
                "SELECT count(*) FROM conflict_log WHERE entity = 'customer:c-5' AND kind = 'late' AND loser_source = 'api'")
                == 1)
    }

    @Test func customersPageInIdOrderWithALinkAndWithoutDeletedOnes() throws {
        let server = try Self.server()
        for number in 1...7 {
            _ = try Self.call(server, "PUT", "/customers/p-\(number)", #"{"email":"p\#(number)@example.org"}"#)
        }
        _ = try Self.call(server, "DELETE", "/customers/p-3")
        var seen: [String] = []
        var path = "/customers?limit=4"
        for _ in 0..<5 {
            let page = try Self.call(server, "GET", path)
            #expect(page.status == 200)
            seen += (page.json["customers"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            guard let link = page.headers["link"] else { break }
            path = String(link.dropFirst().prefix { $0 != ">" })
        }
        #expect(seen == ["p-1", "p-2", "p-4", "p-5", "p-6", "p-7"])
    }

    @Test func versionsAreAppendOnly() throws {
        let server = try Self.server()
        _ = try Self.call(server, "PUT", "/customers/c-6", Self.ana)
        #expect(throws: (any Error).self) { try server.rows("UPDATE customer_versions SET source = 'x'") }
        #expect(throws: (any Error).self) { try server.rows("DELETE FROM customer_versions") }
    }

    @Test func concurrentPatchesOfOneCustomerLoseNoField() throws {
        let server = try Self.server()
        _ = try Self.call(server, "PUT", "/customers/c-7", #"{"email":"c7@example.org"}"#)
        let fields = ["first_name", "last_name", "phone_number", "company", "city", "region", "postal_code", "country"]
        let lock = NSLock()
        nonisolated(unsafe) var failures = 0
        let port = server.port
        DispatchQueue.concurrentPerform(iterations: fields.count) { index in
            let status = try? Self.call(port: port, "PATCH", "/customers/c-7", #"{"\#(fields[index])":"v\#(index)"}"#).status
            if status != 200 { lock.withLock { failures += 1 } }
        }
        #expect(lock.withLock { failures } == 0)
        let state = (try Self.call(server, "GET", "/customers/c-7").json["current"] as? [String: Any])?["customer"]
        for (index, field) in fields.enumerated() {
            #expect((state as? [String: Any])?[field] as? String == "v\(index)")
        }
        #expect(try count(server, "SELECT count(DISTINCT version) FROM customer_versions WHERE customer_id = 'c-7'") == 9)
    }

    @Test func theOutboxShowsDepthDeadLettersAndRedrives() throws {
        let server = try Self.server()
        guard let store = server.service.customerStore else { return #expect(Bool(false), "no customer store") }
        for number in 1...3 { _ = try Self.call(server, "PUT", "/customers/o-\(number)", #"{"email":"o\#(number)@example.org"}"#) }
        _ = try Self.call(server, "PATCH", "/customers/o-1", #"{"city":"Oslo"}"#)
        let outbox = try Self.call(server, "GET", "/outbox").json["crms"] as? [[String: Any]] ?? []
        #expect(outbox.map { $0["crm"] as? String } == Self.crms)
        #expect(outbox.first?["pending_customers"] as? Int == 3)
        #expect(outbox.first?["pending_versions"] as? Int == 4)

        // The HubSpot worker's view: o-1 coalesced to its newest version; o-2 refused for good.
        let now = "2999-01-01T00:00:00.000Z"
        let due = try store.dueDeliveries(crm: "hubspot", now: now, limit: 10)
        #expect(due.map(\.customerID).sorted() == ["o-1", "o-2", "o-3"])
        #expect(due.first { $0.customerID == "o-1" }?.version == 2)
        try store.settle(
            due.map { item in
                OutboxSettlement(
                    deliveryID: item.deliveryID,
                    result: item.customerID == "o-2" ? .dead(reason: "INVALID_EMAIL") : .delivered(remoteID: "r"))
            }, at: now)
        #expect(try store.dueDeliveries(crm: "hubspot", now: now, limit: 10).isEmpty)
        #expect(try count(server, "SELECT count(*) FROM customer_outbox WHERE crm = 'hubspot' AND state = 'superseded'") == 1)

        let dead = try Self.call(server, "GET", "/outbox/dead?crm=hubspot")
        let letters = dead.json["dead"] as? [[String: Any]] ?? []
        #expect(letters.map { $0["customer_id"] as? String } == ["o-2"])
        #expect(letters.first?["reason"] as? String == "INVALID_EMAIL")
        guard let id = letters.first?["delivery_id"] as? Int else { return }
        #expect(try Self.call(server, "POST", "/outbox/dead/999999/redrive").status == 404)
        let redriven = try Self.call(server, "POST", "/outbox/dead/\(id)/redrive")
        #expect(redriven.json["redriven"] as? Int == 1)
        #expect(try store.dueDeliveries(crm: "hubspot", now: now, limit: 10).map(\.customerID) == ["o-2"])

        // Dead again, then a newer version: redriving the old one would overtake it, so it is superseded.
        try store.settle([OutboxSettlement(deliveryID: Int64(id), result: .dead(reason: "again"))], at: now)
        _ = try Self.call(server, "PATCH", "/customers/o-2", #"{"email":"o2@example.net"}"#)
        let all = try Self.call(server, "POST", "/outbox/dead/redrive?crm=hubspot")
        #expect(all.json["redriven"] as? Int == 0)
        #expect(all.json["superseded"] as? Int == 1)
    }
}
