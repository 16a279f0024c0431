package import OrderCore
package import Storage

/// One element of a HubSpot webhook body, checked and mapped (docs/realtime.md §5): what the caller stores, dedups and applies.
package struct HubSpotEvent: Equatable, Sendable {
    /// Position in the body's array.
    package let index: Int
    /// `hubspot|<portalId>|<subscriptionId>|<eventId>|<occurredAt ms>`: `eventId` alone is documented
    /// as not unique (§H item 1), and a retry repeats all four.
    package let key: String
    package let portalID: String
    package let subscriptionID: String
    package let eventID: String
    /// `contact.propertyChange`, `object.deletion`, …, as sent.
    package let subscriptionType: String
    /// The HubSpot contact's id (`objectId`): the caller finds the customer linked to it. nil only for
    /// an ignored event without one (an association change names two objects instead).
    package let objectID: String?
    /// `occurredAt` as UTC text with milliseconds (`Timestamp.millisecondsText`): the change's time at
    /// the source, the event time conflicts are decided by.
    package let occurredAt: String
    /// 0 on the first delivery, counted up by HubSpot's retries; nil when absent.
    package let attemptNumber: Int?
    /// `changeSource` and `sourceId` as sent: what lets the caller drop echoes of its own writes (the
    /// values an API write carries are unconfirmed, §A.5, so this type decides nothing with them).
    package let changeSource: String?
    package let sourceID: String?
    package let effect: Effect
    /// The element as received, canonical JSON: what source_events keeps of it.
    package var payload: [UInt8] = []

    /// What the event does to the linked customer.
    package enum Effect: Equatable, Sendable {
        /// A property change of a customer field (`.merge`), or a deletion (`.delete`).
        case change(CustomerChange)
        /// The contact's properties changed but the event does not carry them (a creation, a restore, a
        /// merge): the caller reads `GET /crm/v3/objects/contacts/{objectID}` and applies what it finds.
        case fetch(String)
        /// Kept and acknowledged, nothing applied, for this reason.
        case ignore(String)
    }
}

/// A HubSpot webhook body taken apart: every index of its array is in exactly one of the three lists.
package struct HubSpotBatch: Equatable, Sendable {
    /// Valid events, the first of each key, in array order.
    package var events: [HubSpotEvent] = []
    /// A later element with the key of an earlier one: the same event twice in one body.
    package var duplicates: [Duplicate] = []
    /// Elements that are no valid event; the others still count.
    package var invalid: [Invalid] = []

    package init() {}

    package struct Duplicate: Equatable, Sendable {
        package let index: Int
        package let key: String
        /// The index of the event with the same key that is kept.
        package let firstIndex: Int
    }

    package struct Invalid: Equatable, Sendable {
        package let index: Int
        /// The member and what is wrong with it; never longer than a few hundred bytes.
        package let reason: String
    }
}

extension HubSpotEvent {
    /// The event as the customer stores take it (Sources/Storage/CRMEvent.swift). A contact to read
    /// (`fetch`) becomes a merge of the customer fields `contacts` gives for its object: what HubSpot
    /// holds now, applied at the event's time (docs/customers.md §11). `contacts` is nil when no reader
    /// is configured (no HUBSPOT_ACCESS_TOKEN): then the event is kept, not applied.
    package func crmEvent(contacts: [String: [CustomerField: String]?]?) -> CRMEvent {
        let effect: CRMEvent.Effect
        switch self.effect {
        case .change(let change): effect = .change(change)
        case .ignore(let reason): effect = .ignore(reason)
        case .fetch(let reason):
            effect = Self.fetched(objectID, contacts, reason: reason)
        }
        return CRMEvent(
            key: key, crm: "hubspot", recordID: objectID, type: subscriptionType, payload: payload,
            checksum: SourceEvents.checksum(payload), occurredAt: occurredAt, effect: effect)
    }

    /// The merge a read contact makes, or why there is none.
    static func fetched(
        _ objectID: String?, _ contacts: [String: [CustomerField: String]?]?, reason: String
    ) -> CRMEvent.Effect {
        guard let contacts else {
            return .ignore(reason + " (HUBSPOT_ACCESS_TOKEN is not set: contacts cannot be read)")
        }
        let id = (objectID ?? "?").prefix(64)
        guard let objectID, case .some(.some(let fields)) = contacts[objectID] else {
            return .ignore("contact \(id) is no live contact at HubSpot (archived, or merged into another)")
        }
        for field in CustomerField.allCases {
            if let text = fields[field], let problem = CustomerInput.fieldProblem(text, field) {
                return .ignore("contact \(id)'s \(field.rawValue) as HubSpot holds it \(problem)")
            }
        }
        guard !fields.isEmpty else { return .ignore("contact \(id) holds none of the customer fields") }
        return .change(.merge(fields))
    }

    /// The contact this event asks to read, nil for any other event.
    package var contactToRead: String? {
        if case .fetch = effect { return objectID }
        return nil
    }
}
