import CRMPush
import OrderCore
import TestSupport
import Testing

/// HubSpotPusher.readContacts: the batch read a creation, restore or merge webhook needs
/// (docs/customers.md §11), against good, partial, refused and broken answers.
@Suite struct HubSpotContactReadTests {
    static func contact(_ id: String, _ properties: String, archived: Bool = false) -> String {
        #"{"id":"\#(id)","properties":{\#(properties)},"createdAt":"2026-01-01T00:00:00.000Z","archived":\#(archived)}"#
    }

    static func read(_ steps: [ScriptedTransport.Step], _ ids: [String], clock: FakeClock = FakeClock())
        async throws -> (HubSpotContactRead, ScriptedTransport, HubSpotPusher)
    {
        let (pusher, transport) = try HubSpotPusherTests.pusher(steps, clock: clock)
        return (await pusher.readContacts(ids, timeout: 3, maxWait: 1), transport, pusher)
    }

    @Test func theRequestIsOneBatchReadOfEveryMappedProperty() async throws {
        let (_, transport, _) = try await Self.read([answer(200, #"{"results":[]}"#)], ["901", "77", "901"])
        let request = try #require(transport.seen.first)
        #expect(transport.seen.count == 1)
        #expect(request.method == "POST")
        #expect(request.url == "https://api.hubapi.example/crm/v3/objects/contacts/batch/read")
        #expect(request.header("authorization") == "Bearer \(HubSpotPusherTests.token)")
        #expect(request.header("content-type") == "application/json")
        #expect(
            text(request.body)
                == #"{"inputs":[{"id":"901"},{"id":"77"}],"properties":["email","firstname","lastname","phone","#
                + #""company","city","state","zip","country","address"]}"#)
        #expect(transport.timeouts == [3])
    }

    @Test func foundContactsGiveTheirFieldsAndTheRestNil() async throws {
        let body =
            #"{"status":"COMPLETE","results":["#
            + Self.contact("901", #""email":"Ana@Example.org","firstname":"Ana","city":null,"address":"Calle 1\nPiso 2","hs_object_id":"901""#)
            + "," + Self.contact("5", #""email":"gone@example.org""#, archived: true)
            + "," + Self.contact("6", #""email":"","firstname":"Sin""#)
            + #"],"numErrors":1,"errors":[{"status":"error","category":"OBJECT_NOT_FOUND","message":"Could not get some CONTACT objects","context":{"ids":["77"]}}]}"#
        let (read, _, _) = try await Self.read([answer(207, body)], ["901", "77", "5", "6"])
        let ana: [CustomerField: String] = [
            .email: "Ana@Example.org", .firstName: "Ana", .city: "", .addressLine1: "Calle 1", .addressLine2: "Piso 2",
        ]
        // An archived result is no live contact; an emptied email is left out (never cleared).
        let expected: [String: [CustomerField: String]?] = [
            "901": ana, "77": .none, "5": .none, "6": [.firstName: "Sin"],
        ]
        #expect(read == .contacts(expected))
    }

    @Test func moreThanAHundredIdsGoInSeveralReads() async throws {
        let ids = (1...150).map(String.init)
        let (read, transport, _) = try await Self.read(
            [answer(200, #"{"results":[\#(Self.contact("1", #""firstname":"A""#))]}"#), answer(200, #"{"results":[]}"#)],
            ids)
        #expect(transport.seen.count == 2)
        guard case .contacts(let found) = read else { Issue.record("\(read)"); return }
        #expect(found.count == 150)
        #expect(found["1"] == .some([.firstName: "A"]))
        #expect(found["150"] == .some(.none))
    }

    @Test(arguments: [
        (answer(500, "oops"), "HubSpot refused the read: 500"),
        (answer(401, #"{"category":"INVALID_AUTHENTICATION","message":"expired"}"#), "INVALID_AUTHENTICATION"),
        (answer(200, "not json"), "unreadable 200 answer"),
        (answer(200, "[]"), "not an object"),
        (answer(200, #"{"results":{}}"#), "results is an object"),
        (answer(207, #"{"results":[],"errors":[{"category":"INTERNAL_ERROR","message":"try later"}]}"#), "could not read every contact"),
        (.fail("connection reset"), "connection reset"),
    ])
    func anythingButAReadableAnswerIsUnavailable(step: ScriptedTransport.Step, expected: String) async throws {
        let (read, _, _) = try await Self.read([step], ["901"])
        guard case .unavailable(let reason) = read else { Issue.record("\(read)"); return }
        #expect(reason.contains(expected), "\(reason)")
    }

    /// A 429 holds back every request after it, reads and pushes alike (one limiter).
    @Test func a429IsUnavailableAndHoldsThePusherBack() async throws {
        let clock = FakeClock()
        let (read, transport, pusher) = try await Self.read(
            [answer(429, #"{"policyName":"TEN_SECONDLY_ROLLING"}"#, headers: ["retry-after": "7"])], ["901"], clock: clock)
        guard case .unavailable(let reason) = read else { Issue.record("\(read)"); return }
        #expect(reason.contains("429 TEN_SECONDLY_ROLLING"))
        #expect(pusher.limiterState.delay(now: clock.now()) == 7)
        // A read now would wait 7 s, longer than its 1 s: nothing sent.
        let again = await pusher.readContacts(["901"], timeout: 3, maxWait: 1)
        guard case .unavailable = again else { Issue.record("\(again)"); return }
        #expect(transport.seen.count == 1)
        #expect(clock.sleeps.isEmpty)
    }
}
