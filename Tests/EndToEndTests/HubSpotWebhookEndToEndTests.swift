import CRMOutbox
import Foundation
import OrderAPI
import OrderCore
import Storage
import Testing
import Webhooks

/// `POST /webhooks/hubspot` end to end (docs/customers.md §11): real v3 signatures over the exact
/// request, over a socket to the real server, then the customer and the outbox in the database. On
/// SQLite and PostgreSQL (.ci/run).
@Suite struct HubSpotWebhookEndToEndTests {
    static let secret = "hubspot-client-secret-e2e"
    static let publicURL = "https://orders.example.com"

    /// `hubSpotContacts` reads contacts for creations, restores and merges (nil: they are kept unapplied).
    static func server(configured: Bool = true, hubSpotContacts: (any CRMContactReading)? = nil) throws -> TestServer {
        try TestServer(
            api: {
                if configured {
                    $0.events.hubSpotSecrets = [WebhookSecret(secret)!]
                    $0.events.publicURL = PublicBaseURL(publicURL)
                }
                $0.customers.hubSpotContacts = hubSpotContacts
            }, crms: ["hubspot", "salesforce"])
    }

    /// A delivery as HubSpot sends it: the array of events, signed over method, URL, body and time.
    static func delivery(_ events: [String], timestamp: Int64? = nil, secret: String = secret) -> String {
        let body = "[" + events.joined(separator: ",") + "]"
        let time = String(timestamp ?? Int64(Date().timeIntervalSince1970 * 1_000))
        let signature = HubSpotSignature.sign(
            method: "POST", url: publicURL + "/webhooks/hubspot", body: Array(body.utf8), timestamp: time,
            secret: WebhookSecret(secret)!)
        return Request.post(
            body, path: "/webhooks/hubspot",
            headers: ["X-HubSpot-Signature-v3: \(signature)", "X-HubSpot-Request-Timestamp: \(time)"])
    }

    static func change(
        _ eventID: Int, object: Int = 901, property: String = "city", value: String = "Lima",
        occurredAt: Int64 = Int64(Date().timeIntervalSince1970 * 1_000)
    ) -> String {
        #"{"eventId":\#(eventID),"subscriptionId":12345,"portalId":62515,"appId":54321,"occurredAt":\#(occurredAt),"# + #""subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":\#(object),"# + #""changeSource":"CRM","propertyName":"\#(property)","propertyValue":"\#(value)"}"#
    }

    static func answer(_ server: TestServer, _ request: String) throws -> (status: Int, json: [String: Any]) {
        let client = try RawClient(port: server.port)
        try client.send(request)
        let response = try client.readResponse()
        return (response.status, response.json as? [String: Any] ?? [:])
    }

    /// Customer c-1 as delivered to HubSpot, which gave it the record id 901.
    static func linkedCustomer(_ server: TestServer) throws {
        let put = CustomerAPITests.request(
            "PUT", "/customers/c-1", #"{"email":"ana@example.org","first_name":"Ana","city":"Quito","updated_at":"2026-01-01T00:00:00Z"}"#)
        #expect(try answer(server, put).status == 201)
        guard let store = server.service.customerStore else { return }
        let due = try store.dueDeliveries(crm: "hubspot", now: "2999-01-01T00:00:00.000Z", limit: 10)
        try store.settle(
            due.map { OutboxSettlement(deliveryID: $0.deliveryID, result: .delivered(remoteID: "901")) },
            at: "2026-01-01T00:00:01.000Z")
    }

    func count(_ server: TestServer, _ sql: String) throws -> Int {
        Int(try server.rows(sql).first?.first??.description ?? "") ?? -1
    }

    @Test func aSignedChangeBecomesAVersionFromHubSpotQueuedForTheOtherCRMsOnly() throws {
        let server = try Self.server()
        try Self.linkedCustomer(server)
        let event = Self.change(1)
        let taken = try Self.answer(server, Self.delivery([event]))
        #expect(taken.status == 200)
        #expect(taken.json["applied"] as? Int == 1, "\(taken.json)")
        let current = try CustomerAPITests.call(server, "GET", "/customers/c-1").json["current"] as? [String: Any]
        #expect(current?["source"] as? String == "hubspot")
        #expect((current?["customer"] as? [String: Any])?["city"] as? String == "Lima")
        #expect(try count(server, "SELECT count(*) FROM customer_outbox WHERE version = 2 AND crm = 'salesforce'") == 1)
        #expect(try count(server, "SELECT count(*) FROM customer_outbox WHERE version = 2 AND crm = 'hubspot'") == 0)
        #expect(try count(server, "SELECT count(*) FROM source_events WHERE source = 'hubspot' AND status = 'applied'") == 1)

        // The same delivery again: a duplicate, nothing stored.
        let again = try Self.answer(server, Self.delivery([event]))
        #expect(again.json["duplicate"] as? Int == 1, "\(again.json)")
        #expect(try count(server, "SELECT count(*) FROM customer_versions") == 2)
        #expect(try count(server, "SELECT count(*) FROM source_events") == 1)
    }

    @Test func echoesUnlinkedRecordsAndOlderChangesAreKeptButNotApplied() throws {
        let server = try Self.server()
        try Self.linkedCustomer(server)
        let batch = try Self.answer(
            server,
            Self.delivery([
                // HubSpot reporting what ordersync itself wrote: an echo.
                Self.change(10, property: "firstname", value: "Ana"),
                Self.change(11, object: 77, value: "Oslo"),
                Self.change(12, value: "Rome", occurredAt: 1_700_000_000_000),
                Self.change(13, property: "hs_lead_status", value: "NEW"),
                #"{"eventId":14,"subscriptionId":1,"portalId":62515,"occurredAt":1,"subscriptionType":"contact.propertyChange"}"#,
            ]))
        #expect(batch.status == 200)
        let statuses = (batch.json["events"] as? [[String: Any]] ?? []).map { $0["status"] as? String }
        #expect(statuses == ["echo", "unlinked", "stale", "ignored"], "\(batch.json)")
        #expect((batch.json["invalid"] as? [[String: Any]])?.count == 1)
        let current = try CustomerAPITests.call(server, "GET", "/customers/c-1").json["current"] as? [String: Any]
        #expect((current?["customer"] as? [String: Any])?["city"] as? String == "Quito")
        #expect(try count(server, "SELECT count(*) FROM conflict_log WHERE entity = 'customer:c-1' AND loser_source = 'hubspot'") == 1)
        #expect(try count(server, "SELECT count(*) FROM source_events WHERE source = 'hubspot'") == 4)
    }

    @Test func aDeletionInHubSpotDeletesTheCustomer() throws {
        let server = try Self.server()
        try Self.linkedCustomer(server)
        let deletion =
            #"{"eventId":20,"subscriptionId":2,"portalId":62515,"occurredAt":\#(Int64(Date().timeIntervalSince1970 * 1_000)),"subscriptionType":"contact.deletion","objectId":901}"#
        #expect(try Self.answer(server, Self.delivery([deletion])).json["applied"] as? Int == 1)
        let current = try CustomerAPITests.call(server, "GET", "/customers/c-1").json["current"] as? [String: Any]
        #expect(current?["deleted"] as? Bool == true)
    }

    @Test func badSignaturesAndMissingSettingsStoreNothing() throws {
        let server = try Self.server()
        try Self.linkedCustomer(server)
        #expect(try Self.answer(server, Self.delivery([Self.change(30)], secret: "wrong")).status == 401)
        let old = Int64(Date().timeIntervalSince1970 * 1_000) - 10 * 60 * 1_000
        #expect(try Self.answer(server, Self.delivery([Self.change(31)], timestamp: old)).status == 401)
        #expect(try Self.answer(server, Request.post("[]", path: "/webhooks/hubspot")).status == 401)
        #expect(try count(server, "SELECT count(*) FROM source_events") == 0)
        #expect(try count(server, "SELECT count(*) FROM customer_versions") == 1)

        let unconfigured = try Self.server(configured: false)
        #expect(try Self.answer(unconfigured, Self.delivery([Self.change(32)])).status == 503)
    }
}
