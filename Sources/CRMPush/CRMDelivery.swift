package import OrderCore

/// One row of the CRM outbox as the pushers see it: the state of one customer at one version, to be
/// made the CRM's state (the whole state every time, so a replay or a late retry is harmless).
package struct CRMDelivery: Sendable, Equatable {
    /// The outbox row's id; HubSpot gets it back as `objectWriteTraceId` (docs/customers.md).
    package let id: Int64
    package let customerID: String
    package let version: Int
    /// The state to push; nil when the customer was deleted.
    package let customer: Customer?
    /// For a delete: the email of the customer's last state. HubSpot finds a contact by email only, and a
    /// deleted customer has no state left to read it from.
    package let lastEmail: String?

    package init(id: Int64, customerID: String, version: Int, customer: Customer?, lastEmail: String? = nil) {
        self.id = id
        self.customerID = customerID
        self.version = version
        self.customer = customer
        self.lastEmail = lastEmail
    }

    /// The key HubSpot matches contacts on: the email, trimmed and lower-cased (CRMFieldMap).
    package var hubSpotKey: String? { CRMFieldMap.hubSpotKey(customer?[.email] ?? lastEmail) }
}

/// What became of one delivery.
package enum CRMOutcome: Sendable, Equatable {
    /// The CRM has the state (or, for a delete, no such contact any more). `remoteID` is the CRM's id of
    /// the record when its answer says.
    case delivered(remoteID: String?)
    /// Try again later (network, 5xx, rate limit, an answer that could not be read). `retryAfter` is the
    /// CRM's own word on when, in seconds, when it said.
    case transient(reason: String, retryAfter: Double?)
    /// The CRM refused this record and will refuse it again: to the dead-letter queue, with its message.
    case permanent(CRMRefusal)

    /// Settled for good: nothing more to send for this delivery.
    package var isFinal: Bool {
        if case .transient = self { return false }
        return true
    }
}

/// A CRM's refusal of one record, kept in the dead-letter queue: the HTTP status, the CRM's code
/// (HubSpot's `category`, Salesforce's `statusCode`/`errorCode`) and its message, clipped.
package struct CRMRefusal: Sendable, Equatable, CustomStringConvertible {
    package let status: Int?
    package let code: String
    package let message: String

    package init(status: Int?, code: String, message: String) {
        self.status = status
        self.code = CRMText.clip(code, limit: 100)
        self.message = CRMText.clip(message)
    }

    package var description: String {
        let prefix = status.map { "\($0) " } ?? ""
        return "\(prefix)\(code): \(message)"
    }
}
