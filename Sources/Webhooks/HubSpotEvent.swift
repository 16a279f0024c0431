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
    /// The event as the customer stores take it (Sources/Storage/CRMEvent.swift); a contact to read
    /// (`fetch`) is kept and not applied, with why: reading contacts is not built yet (docs/customers.md §11).
    package var crmEvent: CRMEvent {
        let effect: CRMEvent.Effect
        switch self.effect {
        case .change(let change): effect = .change(change)
        case .fetch(let reason): effect = .ignore(reason + " (reading contacts is not built yet)")
        case .ignore(let reason): effect = .ignore(reason)
        }
        return CRMEvent(
            key: key, crm: "hubspot", recordID: objectID, type: subscriptionType, payload: payload,
            checksum: SourceEvents.checksum(payload), occurredAt: occurredAt, effect: effect)
    }
}
