import OrderCore
import Storage
import TestSupport
import Testing
import Webhooks

/// HubSpot webhook bodies (Sources/Webhooks/HubSpotWebhook.swift, HubSpotWebhook+Event.swift;
/// docs/realtime.md §5): HubSpot's documented example, what each subscription type does,
/// duplicates in one body, and hostile bodies, which get a clear error and never a trap.
@Suite struct HubSpotWebhookTests {
    /// HubSpot's example (its v1 request-validation page, quoted in docs/realtime.md §5), with the
    /// second element's elided members filled in as the first has them.
    static let documentedExample = """
        [{"eventId":1,"subscriptionId":12345,"portalId":62515,"appId":54321,"occurredAt":1564113600000,
          "subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW"},
         {"eventId":2,"subscriptionId":12345,"portalId":62515,"appId":54321,"occurredAt":1564113600000,
          "subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":123,"changeSource":"CRM",
          "propertyName":"email","propertyValue":"a@b.c","sourceId":"userId:45678"}]
        """

    private static func decode(_ text: String) throws(WebhookError) -> HubSpotBatch {
        try HubSpotWebhook.decode(body: Array(text.utf8))
    }

    /// An event with the identity members set and `extra` members (JSON text, without braces) added.
    private static func element(
        _ type: String, eventID: Int = 7, occurredAt: Int = 1_764_590_400_000, _ extra: String = #""objectId":901"#
    ) -> String {
        #"{"eventId":\#(eventID),"subscriptionId":40,"portalId":62515,"appId":54321,"occurredAt":\#(occurredAt),"#
            + #""subscriptionType":"\#(type)","attemptNumber":0\#(extra.isEmpty ? "" : ",")\#(extra)}"#
    }

    /// What one element became.
    private enum Outcome: Equatable {
        case event(HubSpotEvent)
        case invalid(String)

        var event: HubSpotEvent? { if case .event(let event) = self { event } else { nil } }
    }

    /// The one element's outcome: its event, or its reason for being invalid.
    private static func only(_ element: String) throws -> Outcome {
        let batch = try decode("[\(element)]")
        if let event = batch.events.first, batch.events.count == 1, batch.invalid.isEmpty { return .event(event) }
        if let invalid = batch.invalid.first, batch.events.isEmpty, batch.invalid.count == 1 {
            return .invalid(invalid.reason)
        }
        Issue.record("one element, one outcome: \(batch)")
        return .invalid("")
    }

    private static func effect(_ element: String) throws -> HubSpotEvent.Effect? {
        try only(element).event?.effect
    }

    @Test func theDocumentedExampleDecodes() throws {
        let batch = try Self.decode(Self.documentedExample)
        #expect(batch.invalid.isEmpty && batch.duplicates.isEmpty)
        try #require(batch.events.count == 2)
        let (creation, change) = (batch.events[0], batch.events[1])
        #expect(creation.key == "hubspot|62515|12345|1|1564113600000")
        #expect(creation.index == 0 && creation.objectID == "123" && creation.portalID == "62515")
        #expect(creation.subscriptionID == "12345" && creation.eventID == "1")
        #expect(creation.occurredAt == "2019-07-26T04:00:00.000Z")
        #expect(creation.subscriptionType == "contact.creation" && creation.attemptNumber == 0)
        #expect(creation.changeSource == "CRM" && creation.sourceID == nil)
        guard case .fetch(let reason) = creation.effect else {
            Issue.record("a creation carries no properties: \(creation.effect)")
            return
        }
        #expect(reason.contains("read the contact"))
        #expect(change.key == "hubspot|62515|12345|2|1564113600000" && change.index == 1)
        #expect(change.effect == .change(.merge([.email: "a@b.c"])))
        #expect(change.sourceID == "userId:45678")
    }

    /// A creation, restore or merge becomes a merge of what the read found for its contact
    /// (docs/customers.md §11); anything the read could not give is kept with its reason.
    @Test func aReadContactBecomesAMergeOrAReasonToKeepIt() throws {
        let creation = try #require(try Self.only(Self.element("contact.creation", #""objectId":901"#)).event)
        #expect(creation.contactToRead == "901")
        func effect(_ contacts: [String: [CustomerField: String]?]?) -> CRMEvent.Effect {
            creation.crmEvent(contacts: contacts).effect
        }
        let fields: [CustomerField: String] = [.email: "ana@example.org", .city: "Lima", .phoneNumber: ""]
        #expect(effect(["901": fields]) == .change(.merge(fields)))
        #expect(effect(nil) == .ignore("a creation carries no properties: read the contact (HUBSPOT_ACCESS_TOKEN is not set: contacts cannot be read)"))
        #expect(effect(["901": .none]) == .ignore("contact 901 is no live contact at HubSpot (archived, or merged into another)"))
        #expect(effect([:]) == .ignore("contact 901 is no live contact at HubSpot (archived, or merged into another)"))
        #expect(effect(["901": [:]]) == .ignore("contact 901 holds none of the customer fields"))
        guard case .ignore(let reason) = effect(["901": [.email: "not an email", .city: "Lima"]]) else {
            Issue.record("a field this service refuses is not applied")
            return
        }
        #expect(reason.hasPrefix("contact 901's email as HubSpot holds it"), "\(reason)")
        let long = String(repeating: "x", count: 10_000)
        guard case .ignore = effect(["901": [.city: long]]) else { Issue.record("an over-long field is refused"); return }
        // Other events are not read and keep their effect whatever was read.
        let change = try #require(try Self.only(Self.element("contact.deletion")).event)
        #expect(change.contactToRead == nil)
        #expect(change.crmEvent(contacts: ["901": fields]).effect == .change(.delete))
    }

    @Test func eachSubscriptionTypeHasItsEffect() throws {
        #expect(try Self.effect(Self.element("contact.deletion")) == .change(.delete))
        #expect(try Self.effect(Self.element("contact.privacyDeletion")) == .change(.delete))
        #expect(
            try Self.effect(Self.element("object.deletion", #""objectId":901,"objectTypeId":"0-1""#))
                == .change(.delete))
        for type in ["contact.creation", "contact.restore", "contact.merge", "object.creation", "object.merge"] {
            let extra = #""objectId":901,"objectTypeId":"0-1","primaryObjectId":901,"mergedObjectIds":[902,903]"#
            guard case .fetch? = try Self.effect(Self.element(type, extra)) else {
                Issue.record("\(type) needs the contact read")
                continue
            }
        }
        let generic = Self.element(
            "object.propertyChange",
            #""objectId":901,"objectTypeId":"0-1","propertyName":"firstname","propertyValue":"Ana""#)
        #expect(try Self.effect(generic) == .change(.merge([.firstName: "Ana"])))
        for (element, why) in [
            (Self.element("object.creation", #""objectId":901,"objectTypeId":"0-2""#), "0-2 is not contacts"),
            (Self.element("company.creation"), "is not a contact's"),
            (
                Self.element("deal.propertyChange", #""objectId":1,"propertyName":"amount","propertyValue":"9""#),
                "contact's"
            ),
            (
                Self.element("contact.associationChange", #""fromObjectId":1,"toObjectId":2"#),
                "not one this service takes"
            ),
            (Self.element("contact.somethingNew"), "not one this service takes"),
            (Self.element("contact"), "not one this service takes"),
        ] {
            guard case .ignore(let reason)? = try Self.effect(element) else {
                Issue.record("\(element) is ignored")
                continue
            }
            #expect(reason.contains(why), "\(reason)")
        }
        let association = try Self.only(Self.element("contact.associationChange", #""fromObjectId":1,"toObjectId":2"#))
        #expect(association.event != nil && association.event?.objectID == nil, "an ignored event needs no objectId")
        #expect(
            try Self.only(Self.element("object.deletion"))
                == .invalid("objectTypeId is required for a generic (object.*) subscription"))
        #expect(try Self.only(Self.element("contact.deletion", "")) == .invalid("objectId is required"))
    }

    @Test func propertyChangesOfCustomerFieldsMergeThatField() throws {
        let fields: [(String, CustomerField)] = [
            ("email", .email), ("firstname", .firstName), ("lastname", .lastName), ("phone", .phoneNumber),
            ("company", .company), ("address", .addressLine1), ("city", .city), ("state", .region),
            ("zip", .postalCode), ("country", .country),
        ]
        for (name, field) in fields {
            let value = field == .email ? "ana@example.com" : "Value of \(name)"
            let element = Self.element(
                "contact.propertyChange", #""objectId":901,"propertyName":"\#(name)","propertyValue":"\#(value)""#)
            // `address` is both lines (docs/customers.md §5): no line break, no second line.
            let expected: [CustomerField: String] =
                name == "address" ? [.addressLine1: value, .addressLine2: ""] : [field: value]
            #expect(try Self.effect(element) == .change(.merge(expected)), "\(name)")
        }
        func change(_ members: String) throws -> Outcome {
            try Self.only(Self.element("contact.propertyChange", #""objectId":901,"# + members))
        }
        #expect(
            try change(#""propertyName":"city","propertyValue":"  Lyon\u00a0""#).event?.effect
                == .change(.merge([.city: "Lyon"])))
        #expect(try change(#""propertyName":"city","propertyValue":"""#).event?.effect == .change(.merge([.city: ""])))
        #expect(
            try change(#""propertyName":"city","propertyValue":null"#).event?.effect == .change(.merge([.city: ""])))
        guard
            case .ignore(let unmapped)? = try change(#""propertyName":"hs_lead_status","propertyValue":"NEW""#).event?
                .effect,
            case .ignore(let emptied)? = try change(#""propertyName":"email","propertyValue":" ""#).event?.effect
        else {
            Issue.record("another property, and an emptied email, are ignored")
            return
        }
        #expect(unmapped.contains("hs_lead_status") && emptied.contains("email"))
        // An unmapped property's value is not ours to check: anything HubSpot holds is acknowledged.
        let long = String(repeating: "x", count: 60_000)
        #expect(try change(#""propertyName":"notes","propertyValue":"\#(long)""#).event != nil)
        for (members, reason) in [
            (
                #""propertyName":"email","propertyValue":"not an email""#,
                "propertyValue of email must be an email address"
            ),
            (#""propertyName":"city","propertyValue":"\#(String(repeating: "é", count: 256))""#, "at most 255"),
            (#""propertyName":"city","propertyValue":"Ly\u0000on""#, "control characters"),
            (#""propertyName":"city","propertyValue":7"#, "must be a string, not a number"),
            (#""propertyName":"city","propertyValue":["Lyon"]"#, "must be a string, not an array"),
            (#""propertyName":"city""#, "propertyValue is required"),
            (#""propertyValue":"Lyon""#, "propertyName is required"),
            (#""propertyName":7,"propertyValue":"Lyon""#, "propertyName must be a string"),
        ] {
            guard case .invalid(let got) = try change(members) else {
                Issue.record("\(members) is invalid")
                continue
            }
            #expect(got.contains(reason), "\(got)")
        }
    }

    /// `eventId` is not unique (§H item 1): the key is the portal, subscription, event id and time, and
    /// an element repeating an earlier one's key (a retry in the same body) is listed as its duplicate.
    @Test func duplicatesWithinOneBodyAreListedOnce() throws {
        let first = Self.element("contact.deletion", eventID: 5)
        let retried = first.replacingAttempt(with: 3)
        let otherTime = Self.element("contact.deletion", eventID: 5, occurredAt: 1_764_590_400_001)
        let otherSubscription = first.replacingSubscription(with: 41)
        let batch = try Self.decode("[\(first),\(first),\(retried),\(otherTime),\(otherSubscription)]")
        #expect(batch.events.map(\.index) == [0, 3, 4])
        #expect(
            batch.events.map(\.key) == [
                "hubspot|62515|40|5|1764590400000", "hubspot|62515|40|5|1764590400001",
                "hubspot|62515|41|5|1764590400000",
            ])
        #expect(batch.duplicates.map(\.index) == [1, 2] && batch.duplicates.allSatisfy { $0.firstIndex == 0 })
        #expect(batch.duplicates.first?.key == "hubspot|62515|40|5|1764590400000")
        #expect(batch.invalid.isEmpty)
    }

    @Test func identityMembersAreCheckedAndABadElementSparesTheOthers() throws {
        let good = Self.element("contact.deletion")
        let cases: [(String, String)] = [
            ("1", "must be an object, not a number"), ("null", "not null"), (#""x""#, "not a string"),
            ("[]", "not an array"), ("{}", "eventId is required"),
            (good.replacingOccurrences(#""eventId":7"#, #""eventId":-7"#), "eventId must be a non-negative integer"),
            (good.replacingOccurrences(#""eventId":7"#, #""eventId":7.5"#), "eventId must be a non-negative"),
            (good.replacingOccurrences(#""eventId":7"#, #""eventId":1e400"#), "at most 20 digits"),
            (good.replacingOccurrences(#""eventId":7"#, #""eventId":123456789012345678901"#), "at most 20 digits"),
            (good.replacingOccurrences(#""eventId":7"#, #""eventId":"007""#), "eventId must be a non-negative"),
            (good.replacingOccurrences(#""eventId":7"#, #""eventId":"""#), "eventId must be a non-negative"),
            (
                good.replacingOccurrences(#""eventId":7"#, #""eventId":true"#),
                "eventId must be an integer, not a boolean"
            ),
            (good.replacingOccurrences(#""eventId":7"#, #""eventId":{"a":1}"#), "not an object"),
            (good.replacingOccurrences(#""portalId":62515"#, #""portalId":null"#), "portalId is required"),
            (good.replacingOccurrences(#""subscriptionId":40"#, #""subscriptionId":[40]"#), "subscriptionId must be"),
            (
                good.replacingOccurrences(#""occurredAt":1764590400000"#, #""occurredAt":253402300800000"#),
                "before the year 10000"
            ),
            (
                good.replacingOccurrences(#""occurredAt":1764590400000"#, #""occurredAt":"2025-12-01""#),
                "occurredAt must be"
            ),
            (
                good.replacingOccurrences(#""occurredAt":1764590400000"#, #""occurredAt":99999999999999999999"#),
                "year 10000"
            ),
            (good.replacingOccurrences(#""contact.deletion""#, #""""#), "subscriptionType is required"),
            (good.replacingOccurrences(#""contact.deletion""#, "7"), "subscriptionType must be a string"),
            (good.replacingOccurrences(#""contact.deletion""#, #""contact.\u0000deletion""#), "control characters"),
            (good.replacingOccurrences(#""attemptNumber":0"#, #""attemptNumber":-1"#), "attemptNumber must be"),
            (
                good.replacingOccurrences(#""attemptNumber":0"#, #""attemptNumber":"0""#),
                "attemptNumber must be an integer"
            ),
            (good.replacingOccurrences(#""objectId":901"#, #""objectId":"abc""#), "objectId must be"),
        ]
        for (element, reason) in cases {
            let batch = try Self.decode(
                "[\(good),\(element),\(good.replacingOccurrences("\"eventId\":7", "\"eventId\":8"))]")
            #expect(batch.events.map(\.index) == [0, 2], "\(element)")
            #expect(batch.invalid.count == 1 && batch.invalid.first?.index == 1)
            #expect(batch.invalid.first?.reason.contains(reason) == true, "\(batch.invalid.first?.reason ?? "")")
        }
        // Ids as strings of digits, large ids kept exactly, null optional members, unknown members.
        let exact = try #require(
            Self.only(
                good.replacingOccurrences(#""eventId":7"#, #""eventId":"18446744073709551615""#)
                    .replacingOccurrences(
                        #""objectId":901"#, #""objectId":9007199254740993,"changeSource":null,"x":[{}]"#)
            ).event)
        #expect(exact.eventID == "18446744073709551615" && exact.objectID == "9007199254740993")
        #expect(exact.changeSource == nil)
        let spelled = try #require(Self.only(good.replacingOccurrences(#""eventId":7"#, #""eventId":7.0e0"#)).event)
        #expect(spelled.eventID == "7", "a number's canonical text")
    }

    @Test func bodiesThatAreNoArrayOfEventsAreRefusedWhole() {
        func status(_ body: [UInt8]) -> (Int, String)? {
            do {
                _ = try HubSpotWebhook.decode(body: body)
                return nil
            } catch {
                return (error.status, error.detail)
            }
        }
        for (text, fragment) in [
            ("", "not JSON"), ("{}", "not an object"), (Self.element("contact.deletion"), "not an object"),
            (#""events""#, "not a string"), ("1", "not a number"), ("null", "not null"), ("true", "not a boolean"),
            ("[", "not JSON"), ("[1,]", "not JSON"), ("[{}] []", "not JSON"), ("[{\"a\":1,\"a\":2}]", "duplicate key"),
            ("[1e999999999999]", "not JSON"), ("[" + String(repeating: "[", count: 100) + "]", "nesting"),
        ] {
            let answer = status(Array(text.utf8))
            #expect(answer?.0 == 400, "\(text.prefix(40))")
            #expect(answer?.1.contains(fragment) == true, "\(text.prefix(40)): \(answer?.1 ?? "")")
        }
        let example = Array(Self.documentedExample.utf8)
        #expect(status(example.prefix(30) + [0xFF, 0xFE] + example.dropFirst(30))?.0 == 400, "invalid UTF-8")
        #expect(status(Array(#"[{"eventId":1,"x":"a"#.utf8) + [0xC3] + Array(#""}]"#.utf8))?.0 == 400)
        #expect(status(Array("[\0]".utf8))?.0 == 400, "a NUL byte")
        #expect(status(Array(#"[{"eventId":1,"x":"a\#u{0}b"}]"#.utf8))?.0 == 400, "a raw NUL inside a string")
        // Nesting inside a member this decoder never reads is refused all the same, at 64 levels.
        func nested(_ depth: Int) -> [UInt8] {
            let value = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            return Array("[\(Self.element("contact.deletion", #""objectId":901,"x":"# + value))]".utf8)
        }
        #expect(status(nested(70))?.1.contains("nesting") == true)
        #expect((try? HubSpotWebhook.decode(body: nested(60)))?.events.count == 1)
        #expect(status([UInt8](repeating: 0x20, count: HubSpotWebhook.maxBodyBytes + 1))?.0 == 413)
        #expect((try? HubSpotWebhook.decode(body: Array("[]".utf8))) == HubSpotBatch())
        #expect((try? HubSpotWebhook.decode(body: Array(" \n[ ]\n".utf8))) == HubSpotBatch())
    }

    @Test func aThousandEventsAreTakenTenThousandAreNot() throws {
        func body(_ count: Int) -> [UInt8] {
            Array(
                ("[" + (0..<count).map { Self.element("contact.deletion", eventID: $0) }.joined(separator: ",") + "]")
                    .utf8)
        }
        let thousand = try HubSpotWebhook.decode(body: body(HubSpotWebhook.maxEvents))
        #expect(thousand.events.count == HubSpotWebhook.maxEvents)
        func refusal(_ body: [UInt8]) -> WebhookError? {
            do {
                _ = try HubSpotWebhook.decode(body: body)
                return nil
            } catch {
                return error
            }
        }
        // Ten thousand tiny elements in few bytes are refused by their count, not by size.
        let tiny = Array(("[" + Array(repeating: "0", count: 10_000).joined(separator: ",") + "]").utf8)
        for body in [body(HubSpotWebhook.maxEvents + 1), body(10_000), tiny] {
            let error = refusal(body)
            #expect(error?.status == 400 && error?.detail == "the body holds more than 1000 events")
        }
    }

    /// Random mutations of valid bodies: every outcome is an error with a status or a batch whose three
    /// lists hold each index exactly once. Never a trap, and bounded (a fixed number of small inputs).
    @Test func mutatedBodiesNeverTrap() {
        var random = SeededGenerator(seed: 13)
        let seeds = [
            Array(Self.documentedExample.utf8),
            Array(
                ("[" + Self.element("contact.deletion") + "," + Self.element("contact.deletion") + ","
                    + Self.element(
                        "object.propertyChange",
                        #""objectId":1,"objectTypeId":"0-1","propertyName":"zip","propertyValue":"69001""#)
                    + "]").utf8),
        ]
        let alphabet = Array(#"[]{},:"0123456789-.e\ntrufalsn"#.utf8) + [0x00, 0xFF, 0xC3, 0x80]
        for round in 0..<3_000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<(1 + random.below(4)) {
                let position = random.below(bytes.count)
                switch random.below(3) {
                case 0: bytes[position] = alphabet[random.below(alphabet.count)]
                case 1: bytes.insert(alphabet[random.below(alphabet.count)], at: position)
                default: bytes.remove(at: position)
                }
                if bytes.isEmpty { bytes = [0x5B] }
            }
            do {
                let batch = try HubSpotWebhook.decode(body: bytes)
                let indexes = batch.events.map(\.index) + batch.duplicates.map(\.index) + batch.invalid.map(\.index)
                #expect(indexes.sorted() == Array(0..<indexes.count), "round \(round)")
                #expect(batch.invalid.allSatisfy { $0.reason.utf8.count < 400 })
            } catch {
                #expect([400, 413].contains(error.status), "round \(round)")
            }
        }
    }
}

extension String {
    /// `self` with every `target` replaced (no Foundation in this test target's imports).
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var out = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }

    fileprivate func replacingAttempt(with number: Int) -> String {
        replacingOccurrences(#""attemptNumber":0"#, #""attemptNumber":\#(number)"#)
    }

    fileprivate func replacingSubscription(with id: Int) -> String {
        replacingOccurrences(#""subscriptionId":40"#, #""subscriptionId":\#(id)"#)
    }
}
