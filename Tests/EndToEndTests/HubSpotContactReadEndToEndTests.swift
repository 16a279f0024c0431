import CRMOutbox
import CRMPush
import FakeProviders
import Foundation
import HTTPServer
import OrderAPI
import OrderCore
import Storage
import Testing

/// Creations, restores and merges in HubSpot end to end (docs/customers.md §11): the webhook names a
/// contact without its properties, so the server reads it from HubSpot (here the fake, in-process on
/// a real socket, through the URLSession transport the server uses) before storing anything. On SQLite
/// and PostgreSQL (.ci/run).
@Suite struct HubSpotContactReadEndToEndTests {
    /// The fake HubSpot on an ephemeral port.
    final class FakeHubSpot {
        let server: HTTPServer
        let port: UInt16
        let baseURL: String

        init() throws {
            var configuration = FakeConfiguration()
            configuration.orders = 0
            configuration.contacts = 0
            configuration.customers = 0
            let service = FakeProvidersService(configuration: configuration)
            var serverConfiguration = ServerConfiguration()
            serverConfiguration.host = "127.0.0.1"
            serverConfiguration.port = 0
            server = try HTTPServer(configuration: serverConfiguration, handler: service)
            port = try server.start()
            baseURL = "http://127.0.0.1:\(port)/hubspot"
            service.listening(at: "http://127.0.0.1:\(port)")
        }

        deinit { server.drain() }

        /// One request to the fake as a client of HubSpot's API (or its control API): the status.
        func send(_ method: String, _ path: String, _ body: String) throws -> Int {
            let client = try RawClient(port: port)
            try client.send(
                Request.post(
                    body, path: path,
                    headers: ["Authorization: Bearer \(FakeConfiguration().hubspot.token)"]
                ).replacingOccurrences(of: "POST ", with: method + " ", options: .anchored))
            return try client.readResponse().status
        }
    }

    let hubSpot: FakeHubSpot
    let pusher: HubSpotPusher
    let server: TestServer

    init() throws {
        hubSpot = try FakeHubSpot()
        let configuration = try #require(HubSpotConfiguration(baseURL: hubSpot.baseURL, token: FakeConfiguration().hubspot.token))
        pusher = HubSpotPusher(
            configuration: configuration, transport: CRMTransportAdapter(maxResponseBytes: 1 << 20), clock: SystemClock())
        let reader = HubSpotContactReader(pusher: pusher)
        server = try HubSpotWebhookEndToEndTests.server(hubSpotContacts: reader)
    }

    /// Customer c-1 pushed to the fake HubSpot by the real pusher and settled: returns its contact id.
    func deliveredCustomer() async throws -> String {
        let put = CustomerAPITests.request(
            "PUT", "/customers/c-1",
            #"{"email":"ana@example.org","first_name":"Ana","city":"Quito","updated_at":"2026-01-01T00:00:00Z"}"#)
        #expect(try HubSpotWebhookEndToEndTests.answer(server, put).status == 201)
        let store = try #require(server.service.customerStore)
        let due = try store.dueDeliveries(crm: "hubspot", now: "2999-01-01T00:00:00.000Z", limit: 10)
        let result = try await pusher.push(
            due.map { CRMDelivery(id: $0.deliveryID, customerID: $0.customerID, version: $0.version, customer: $0.customer) })
        let outcomes = due.compactMap { item -> OutboxSettlement? in
            guard case .delivered(let remoteID)? = result.outcomes[item.deliveryID] else { return nil }
            return OutboxSettlement(deliveryID: item.deliveryID, result: .delivered(remoteID: remoteID))
        }
        try #require(outcomes.count == 1, "\(result)")
        try store.settle(outcomes, at: "2026-01-01T00:00:01.000Z")
        guard case .delivered(let remoteID?)? = result.outcomes[due[0].deliveryID] else { throw Failure() }
        return remoteID
    }

    struct Failure: Error {}

    static func event(_ eventID: Int, _ type: String, object: String) -> String {
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        return #"{"eventId":\#(eventID),"subscriptionId":7,"portalId":62515,"occurredAt":\#(now),"subscriptionType":"\#(type)","objectId":\#(object)}"#
    }

    func statuses(_ events: [String]) throws -> (status: Int, statuses: [String?], json: [String: Any]) {
        let answer = try HubSpotWebhookEndToEndTests.answer(server, HubSpotWebhookEndToEndTests.delivery(events))
        let statuses = (answer.json["events"] as? [[String: Any]] ?? []).map { $0["status"] as? String }
        return (answer.status, statuses, answer.json)
    }

    func count(_ sql: String) throws -> Int {
        Int(try server.rows(sql).first?.first??.description ?? "") ?? -1
    }

    func city() throws -> String? {
        let current = try CustomerAPITests.call(server, "GET", "/customers/c-1").json["current"] as? [String: Any]
        return (current?["customer"] as? [String: Any])?["city"] as? String
    }

    @Test func aCreationOfWhatWasDeliveredIsAnEchoAndAMergeAppliesWhatHubSpotHolds() async throws {
        let contact = try await deliveredCustomer()
        // HubSpot reporting the contact ordersync created: its properties are what was delivered.
        let creation = try statuses([Self.event(1, "contact.creation", object: contact)])
        #expect(creation.status == 200 && creation.statuses == ["echo"], "\(creation.status) \(creation.json)")

        // A person changes the city in HubSpot, then merges another contact into this one.
        let edit = #"{"inputs":[{"id":"ana@example.org","idProperty":"email","properties":{"city":"Lima"}}]}"#
        #expect(try hubSpot.send("POST", "/hubspot/crm/v3/objects/contacts/batch/upsert", edit) == 200)
        let merge = try statuses([
            Self.event(2, "contact.merge", object: contact), Self.event(3, "contact.creation", object: "424242"),
        ])
        #expect(merge.statuses == ["applied", "ignored"], "\(merge.json)")
        let detail = (merge.json["events"] as? [[String: Any]])?.last?["detail"] as? String
        #expect(detail == "contact 424242 is no live contact at HubSpot (archived, or merged into another)")
        #expect(try city() == "Lima")
        #expect(try count("SELECT count(*) FROM customer_versions WHERE source = 'hubspot'") == 1)
        // Queued for Salesforce only: HubSpot already holds it.
        #expect(try count("SELECT count(*) FROM customer_outbox WHERE version = 2 AND crm = 'salesforce'") == 1)
        #expect(try count("SELECT count(*) FROM customer_outbox WHERE version = 2 AND crm = 'hubspot'") == 0)
        #expect(try count("SELECT count(*) FROM source_events WHERE source = 'hubspot'") == 3)
    }

    /// HubSpot out of reach: the whole delivery is refused with 503 and nothing of it is stored, so
    /// HubSpot's redelivery finds it new; once HubSpot answers again, the redelivery is applied.
    @Test func aReadThatFailsStoresNothingAndTheRedeliveryIsApplied() async throws {
        let contact = try await deliveredCustomer()
        let events = [
            HubSpotWebhookEndToEndTests.change(40, object: Int(contact)!, value: "Cusco"),
            Self.event(41, "contact.restore", object: contact),
        ]
        // HubSpot answers the read 502, then half an answer, then nothing within the read's 3 s: 503 each
        // time, nothing stored.
        let faults =
            #"[{"provider":"hubspot","kind":"status","status":502},{"provider":"hubspot","kind":"truncate"},"#
            + #"{"provider":"hubspot","kind":"slow","delay_ms":4500}]"#
        #expect(try hubSpot.send("POST", "/_fake/faults", faults) == 200)
        for _ in 0..<3 {
            let refused = try statuses(events)
            #expect(refused.status == 503, "\(refused.json)")
            #expect((refused.json["detail"] as? String)?.contains("could not be read from HubSpot") == true)
        }
        #expect(try count("SELECT count(*) FROM source_events") == 0)
        #expect(try city() == "Quito")

        // HubSpot answers again: the same delivery is taken whole.
        let taken = try statuses(events)
        #expect(taken.status == 200 && taken.statuses == ["applied", "echo"], "\(taken.json)")
        #expect(try city() == "Cusco")
        #expect(try count("SELECT count(*) FROM source_events") == 2)
    }
}
