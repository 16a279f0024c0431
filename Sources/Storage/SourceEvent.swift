package import OrderCore

/// One delivery of a webhook or one change event, kept as received in `source_events` in the same
/// transaction as what it produced (docs/realtime.md §4). Its keys make a redelivery a duplicate.
package struct SourceEvent: Sendable {
    /// What a redelivery of the same event repeats (unique in `source_events`).
    package let key: String
    /// A second identity that also marks a duplicate (Shopify's webhook id beside its event id); nil
    /// when the source has one key only.
    package let deliveryKey: String?
    /// `shopify`, `woocommerce`, `debezium`.
    package let source: String
    /// The order or record the event is about, when it names one.
    package let sourceID: String?
    /// The topic (`orders/updated`, `order.deleted`) or the change's operation (`c`, `u`, `d`, `r`).
    package let type: String
    /// The body as received, byte for byte.
    package let payload: [UInt8]
    /// SHA-256 of the payload, lower-case hex.
    package let checksum: String
    /// When the change happened at the source (UTC with milliseconds), when the event says.
    package let eventTime: String?
    /// What it does once stored.
    package let effect: Effect

    package enum Effect: Sendable, Equatable {
        /// Versions (through the same rules as `POST /`, docs/contract.md §2) and source records.
        case store(orders: [Order], records: [SourceRecord])
        /// The order was deleted at the source: a version with status `deleted` is appended after its
        /// latest one, at `at` (history stays). An order never stored has nothing to delete.
        case delete(orderID: String, at: String)
        /// Recorded and nothing else; the reason is kept.
        case ignore(String)
    }

    package init(
        key: String, deliveryKey: String? = nil, source: String, sourceID: String?, type: String, payload: [UInt8],
        checksum: String, eventTime: String?, effect: Effect
    ) {
        self.key = key
        self.deliveryKey = deliveryKey
        self.source = source
        self.sourceID = sourceID
        self.type = type
        self.payload = payload
        self.checksum = checksum
        self.eventTime = eventTime
        self.effect = effect
    }

    /// True when it is about an order (a version or a deletion), not a customer record.
    package var isAboutOrder: Bool {
        switch effect {
        case .store(let orders, _): !orders.isEmpty
        case .delete: true
        case .ignore: false
        }
    }

    /// The orders it brings (none for a deletion: its version is made from the stored one).
    package var orders: [Order] {
        if case .store(let orders, _) = effect { orders } else { [] }
    }
}

/// What storing an event did; its `rawValue` is the `status` kept in `source_events`.
package enum EventOutcome: String, Sendable, Equatable, CaseIterable {
    /// Something new was stored: a version, a tombstone or a record.
    case applied
    /// A new event whose versions and records were all stored already (a pull got there first).
    case unchanged
    /// Recorded, nothing else: a topic or table this service does not take, a deletion of an order
    /// never stored.
    case ignored
    /// The event (or its delivery) was stored before: nothing is stored again, not even the event.
    case duplicate
}

extension SourceEvent {
    /// Applies the effect through one engine's operations, inside its transaction (both engines'
    /// event writers: Sources/OrderStore/EventWriter.swift, Sources/PostgresStore/PostgresEvents.swift):
    /// `store` appends versions by the rules of `POST /`, `appendRecord` a record unless unchanged,
    /// `latestVersion` finds what a deletion follows. Returns the counts with the outcome set, and why
    /// an ignored event was ignored.
    package func applyEffect<Failure: Error>(
        store: ([Order]) throws(Failure) -> IngestResult, appendRecord: (SourceRecord) throws(Failure) -> Bool,
        latestVersion: (String) throws(Failure) -> Order?
    ) throws(Failure) -> (result: IngestResult, detail: String?) {
        var result = IngestResult()
        var recordsInserted = 0
        switch effect {
        case .store(let orders, let records):
            if !orders.isEmpty { result = try store(orders) }
            for record in records where try appendRecord(record) { recordsInserted += 1 }
        case .delete(let orderID, let at):
            guard let latest = try latestVersion(orderID), let tombstone = latest.tombstone(at: at) else {
                result.event = .ignored
                return (result, "order \(orderID.prefix(64)) was never stored: nothing to delete")
            }
            result = try store([tombstone])
        case .ignore(let reason):
            result.event = .ignored
            return (result, reason)
        }
        result.event = result.inserted + recordsInserted > 0 ? .applied : .unchanged
        return (result, nil)
    }
}
