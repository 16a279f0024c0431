import Foundation
import OrderCore
import Testing
import Webhooks

/// The whole round trip through the real processes (docs/customers.md §11): `ordersync serve` pushes a
/// customer to `ordersync-fake-providers`' HubSpot, a person edits the contact there, and HubSpot's
/// signed `contact.merge` makes the server read the contact back and apply it. Proves the server wires
/// its outbox worker's pusher into the webhook (Sources/ordersync/ServeCommand.swift).
@Suite struct HubSpotRoundTripTests {
    static let secret = "hubspot-round-trip-secret"
    static let publicURL = "https://orders.example.com"

    static func request(_ port: UInt16, _ text: String) throws -> (status: Int, json: JSONValue?) {
        let client = try RawClient(port: port)
        try client.send(text)
        let response = try client.readResponse()
        return (response.status, try? JSONParser.parse(response.body))
    }

    @Test func aContactEditedInHubSpotComesBackThroughAMergeEvent() throws {
        let fake = try FakeProviders()
        guard let fakePort = fake.base.split(separator: ":").last.flatMap({ UInt16($0) }) else {
            throw FakeProviders.Failed(description: "no port in \(fake.base)")
        }
        let directory = TemporaryDirectory()
        let server = try ServerProcess(dbPath: directory.file("round-trip.db"), environment: [
            "HUBSPOT_ACCESS_TOKEN": "pat-fake", "HUBSPOT_API_URL": fake.base + "/hubspot",
            "HUBSPOT_CLIENT_SECRET": Self.secret, "PUBLIC_URL": Self.publicURL,
        ])
        let put = #"{"email":"ana@example.org","first_name":"Ana","city":"Quito"}"#
        #expect(try Self.request(server.port, CustomerAPITests.request("PUT", "/customers/c-1", put)).status == 201)

        // Delivered by the server's worker (bounded wait).
        var delivered = false
        for _ in 0..<200 where !delivered {
            let detail = try Self.request(server.port, Request.get("/customers/c-1")).json
            delivered = detail?["deliveries"]?.elements.first?["up_to_date"] == .bool(true)
            if !delivered { usleep(50_000) }
        }
        try #require(delivered, "the customer never reached the fake HubSpot")
        let contacts = try Self.request(fakePort, Request.get("/_fake/crm/contacts?provider=hubspot")).json
        let contact = try #require(contacts?["contacts"]?.elements.first)
        guard case .string(let id)? = contact["id"] else { throw FakeProviders.Failed(description: "\(contact)") }

        // A person changes the city in HubSpot; HubSpot then reports a merge into this contact.
        let edit = #"{"inputs":[{"id":"ana@example.org","idProperty":"email","properties":{"city":"Lima"}}]}"#
        let edited = try Self.request(
            fakePort,
            Request.post(edit, path: "/hubspot/crm/v3/objects/contacts/batch/upsert", headers: ["Authorization: Bearer pat-fake"]))
        #expect(edited.status == 200)
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        let body =
            #"[{"eventId":1,"subscriptionId":9,"portalId":62515,"occurredAt":\#(now),"subscriptionType":"contact.merge","objectId":\#(id)}]"#
        let signature = HubSpotSignature.sign(
            method: "POST", url: Self.publicURL + "/webhooks/hubspot", body: Array(body.utf8), timestamp: String(now),
            secret: WebhookSecret(Self.secret)!)
        let answer = try Self.request(
            server.port,
            Request.post(
                body, path: "/webhooks/hubspot",
                headers: ["X-HubSpot-Signature-v3: \(signature)", "X-HubSpot-Request-Timestamp: \(now)"]))
        #expect(answer.status == 200)
        #expect(answer.json?["applied"]?.int == 1, "\(String(describing: answer.json))")
        let current = try Self.request(server.port, Request.get("/customers/c-1")).json?["current"]
        #expect(current?["customer"]?["city"] == .string("Lima"))
        #expect(current?["source"] == .string("hubspot"))
    }
}
