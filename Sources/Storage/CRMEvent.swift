package import OrderCore

/// A change a CRM reports about one of its contacts (HubSpot's webhooks, docs/customers.md §11), ready
/// to store: kept in source_events under its key, applied to the linked customer as a change from the
/// CRM unless it is an echo of what ordersync delivered.
package struct CRMEvent: Sendable, Equatable {
    /// What a redelivery repeats (unique in source_events).
    package let key: String
    /// `hubspot`.
    package let crm: String
    /// The CRM's record id (HubSpot's objectId): the customer is the one whose delivery got it.
    package let recordID: String?
    /// The subscription type (`contact.propertyChange`, …).
    package let type: String
    /// The event as received (its array element, canonical JSON), and its SHA-256 in lower-case hex.
    package let payload: [UInt8]
    package let checksum: String
    /// When it happened at the CRM, UTC with milliseconds: its change's event time.
    package let occurredAt: String
    /// What it asks for.
    package let effect: Effect

    package enum Effect: Sendable, Equatable {
        case change(CustomerChange)
        /// Kept, nothing applied, for this reason.
        case ignore(String)
    }

    package init(
        key: String, crm: String, recordID: String?, type: String, payload: [UInt8], checksum: String,
        occurredAt: String, effect: Effect
    ) {
        self.key = key
        self.crm = crm
        self.recordID = recordID
        self.type = type
        self.payload = payload
        self.checksum = checksum
        self.occurredAt = occurredAt
        self.effect = effect
    }

    /// What became of one event.
    package enum Outcome: String, Sendable, Equatable, CaseIterable {
        /// A new version of the customer, queued for the other CRMs.
        case applied
        /// The customer already had this state.
        case unchanged
        /// Older than the customer's current state: kept in history, logged in conflict_log.
        case stale
        /// The change repeats what ordersync itself delivered to this CRM: not applied, not sent back.
        case echo
        /// No customer was ever delivered as this record: nothing to change.
        case unlinked
        /// Kept, nothing else (a subscription or property this service does not take).
        case ignored
        /// Stored before: nothing stored again.
        case duplicate

        /// source_events' status vocabulary (applied, unchanged, ignored).
        var status: String {
            switch self {
            case .applied: "applied"
            case .unchanged, .stale: "unchanged"
            case .echo, .unlinked, .ignored, .duplicate: "ignored"
            }
        }
    }

    /// Decides and applies this event through one engine's operations, inside its transaction (both
    /// customer stores): `known` finds the key stored before, `linked` the customer delivered as a
    /// record id, `delivered` the state last delivered to the CRM, `apply` a change by CustomerRule,
    /// `record` keeps the event with its status and detail. Returns the outcome and its detail.
    package func resolve<Failure: Error>(
        receivedAt: String, crms: [String], known: (String) throws(Failure) -> Bool,
        linked: (String) throws(Failure) -> String?, delivered: (String) throws(Failure) -> Customer?,
        apply: (CustomerChangeRequest) throws(Failure) -> CustomerChangeResult,
        record: (_ status: String, _ detail: String?) throws(Failure) -> Void
    ) throws(Failure) -> (outcome: Outcome, detail: String?) {
        if try known(key) { return (.duplicate, nil) }
        let (outcome, detail) = try decide(
            receivedAt: receivedAt, crms: crms, linked: linked, delivered: delivered, apply: apply)
        try record(outcome.status, detail ?? (outcome == .applied ? nil : outcome.rawValue))
        return (outcome, detail)
    }

    private func decide<Failure: Error>(
        receivedAt: String, crms: [String], linked: (String) throws(Failure) -> String?,
        delivered: (String) throws(Failure) -> Customer?,
        apply: (CustomerChangeRequest) throws(Failure) -> CustomerChangeResult
    ) throws(Failure) -> (Outcome, String?) {
        let change: CustomerChange
        switch effect {
        case .ignore(let reason): return (.ignored, reason)
        case .change(let asked): change = asked
        }
        guard let recordID, let customerID = try linked(recordID) else {
            return (.unlinked, "\(crm) record \((recordID ?? "?").prefix(64)) was never delivered from a customer here")
        }
        if case .merge(let fields) = change, let state = try delivered(customerID), Self.repeats(fields, of: state) {
            return (.echo, "repeats what was delivered to \(crm) for customer \(customerID.prefix(64))")
        }
        let result = try apply(
            CustomerChangeRequest(
                customerID: customerID, change: change, source: crm, changedAt: occurredAt, receivedAt: receivedAt,
                crms: crms.filter { $0 != crm }))
        switch result.outcome {
        case .applied: return (.applied, nil)
        case .unchanged: return (.unchanged, nil)
        case .stale: return (.stale, "older than the current state of customer \(customerID.prefix(64))")
        case .notFound: return (.ignored, "customer \(customerID.prefix(64)) is deleted")
        }
    }

    /// True when every field of a CRM's change equals the state ordersync delivered (an email compared
    /// by its key: CRMs lower-case it).
    static func repeats(_ fields: [CustomerField: String], of state: Customer) -> Bool {
        fields.allSatisfy { field, value in
            let delivered = state[field] ?? ""
            return field == .email ? ContactField.emailKey(value) == ContactField.emailKey(delivered) : value == delivered
        }
    }
}
