package import OrderCore

/// Customers and their outbox (docs/customers.md), whatever the engine: every change an append-only
/// version, and in the same transaction one delivery per configured CRM; the CRM workers take their
/// deliveries from here and settle them.
package protocol CustomerStorage: AnyObject, Sendable {
    /// Applies a change: the new version and its deliveries in one transaction, durable on return.
    func change(_ request: CustomerChangeRequest) throws(StoreError) -> CustomerChangeResult
    /// The customer's current state (also when deleted), its newest `historyLimit` versions and where
    /// each CRM stands; nil for an id never seen.
    func customer(_ id: String, historyLimit: Int) throws(StoreError) -> CustomerDetail?
    /// Current states (deleted ones left out) in id order, after `after`.
    func customers(after: String?, limit: Int) throws(StoreError) -> [CustomerVersion]

    /// Up to `limit` deliveries for `crm` due at `now`: for each customer only its newest pending
    /// version (older pending ones are coalesced into it), oldest due first.
    func dueDeliveries(crm: String, now: String, limit: Int) throws(StoreError) -> [OutboxItem]
    /// Records what became of deliveries, in one transaction. A delivered or dead version supersedes
    /// the customer's older pending ones for that CRM.
    func settle(_ settlements: [OutboxSettlement], at now: String) throws(StoreError)
    /// Pending deliveries and dead letters per CRM.
    func outboxStatus(now: String) throws(StoreError) -> [OutboxDepth]
    /// Dead letters, newest first, optionally of one CRM, before `before` (a delivery id) for paging.
    func deadLetters(crm: String?, before: Int64?, limit: Int) throws(StoreError) -> [DeadLetter]
    /// Makes dead letters pending again (one by id, or all, or all of one CRM); a dead letter a newer
    /// version of the same customer already replaced is superseded instead (it would overtake it).
    /// Returns how many became pending and how many were superseded.
    func redrive(deliveryID: Int64?, crm: String?, at now: String) throws(StoreError) -> (redriven: Int, superseded: Int)
    /// Applies a CRM's events about its contacts in one transaction (docs/customers.md §11): each kept in
    /// source_events (a redelivery stores nothing), and applied to the linked customer unless an echo.
    /// Durable on return; one outcome and detail per event, in order.
    func applyCRMEvents(_ events: [CRMEvent], receivedAt: String, crms: [String]) throws(StoreError)
        -> [(outcome: CRMEvent.Outcome, detail: String?)]
    /// The right to deliver `crm`'s outbox: one worker per CRM across every process sharing the
    /// database, so one customer's versions never travel on two paths at once. Nil while another holds it.
    func claimDelivery(crm: String) throws(StoreError) -> (any DeliveryLease)?
}

/// A worker's hold on one CRM's outbox (`CustomerStorage.claimDelivery`).
package protocol DeliveryLease: AnyObject, Sendable {
    /// False once the hold is lost (PostgreSQL: the session holding the lock ended); the worker stops
    /// delivering and claims again.
    var isHeld: Bool { get }
    func release()
}

/// One change to apply: what, to whom, from where and when.
package struct CustomerChangeRequest: Sendable {
    package let customerID: String
    package let change: CustomerChange
    /// `api`, or the CRM the change came from (its deliveries skip that CRM: echo suppression).
    package let source: String
    /// When it happened (UTC with milliseconds); a change older than the current state is kept in
    /// history and logged in conflict_log, the current state stays.
    package private(set) var changedAt: String
    package let receivedAt: String
    /// The CRMs that get a delivery of the new state.
    package let crms: [String]
    /// True when `changedAt` is only when the change was received (the client gave no event time): such
    /// a change happens when it is applied, after whatever state it is applied to (`placed(after:)`).
    package let timeIsReceipt: Bool

    package init(
        customerID: String, change: CustomerChange, source: String, changedAt: String, receivedAt: String,
        crms: [String], timeIsReceipt: Bool = false
    ) {
        self.customerID = customerID
        self.change = change
        self.source = source
        self.changedAt = changedAt
        self.receivedAt = receivedAt
        self.crms = crms
        self.timeIsReceipt = timeIsReceipt
    }

    /// The request as the rule judges it against `current`, read under the customer's lock: a change
    /// timed by its receipt is never older than the state it is applied to. Two such changes received in
    /// one order may take the lock in the other; the second must still be applied, not kept as stale
    /// (docs/customers.md §2). A change with the client's or a CRM's event time keeps it.
    package func placed(after current: CustomerVersion?) -> CustomerChangeRequest {
        guard timeIsReceipt, let current, current.changedAt > changedAt else { return self }
        var placed = self
        placed.changedAt = current.changedAt
        return placed
    }
}

/// One stored version of a customer.
package struct CustomerVersion: Sendable, Equatable {
    package let customerID: String
    package let version: Int
    package let source: String
    package let changedAt: String
    package let receivedAt: String
    /// The state after the change; nil when the change deleted the customer.
    package let customer: Customer?
    /// False for a change older than the state it met: kept in history, never current.
    package let applied: Bool

    package init(
        customerID: String, version: Int, source: String, changedAt: String, receivedAt: String, customer: Customer?,
        applied: Bool
    ) {
        self.customerID = customerID
        self.version = version
        self.source = source
        self.changedAt = changedAt
        self.receivedAt = receivedAt
        self.customer = customer
        self.applied = applied
    }
}

/// What a change did.
package struct CustomerChangeResult: Sendable, Equatable {
    package enum Outcome: String, Sendable {
        /// A new version became current.
        case applied
        /// The state already was this: nothing stored, nothing sent.
        case unchanged
        /// Older than the current state: stored in history, logged, not current, not sent.
        case stale
        /// A deletion of a customer never stored or already deleted: nothing stored.
        case notFound = "not_found"
    }

    package let outcome: Outcome
    /// The version stored (applied or stale), or the current one (unchanged); nil when not found.
    package let version: CustomerVersion?
    /// Deliveries queued in the same transaction.
    package let queued: Int

    package init(outcome: Outcome, version: CustomerVersion?, queued: Int) {
        self.outcome = outcome
        self.version = version
        self.queued = queued
    }
}

/// `GET /customers/{id}`: the current version, the history and each CRM's delivery state.
package struct CustomerDetail: Sendable {
    package let current: CustomerVersion
    /// Newest first.
    package let history: [CustomerVersion]
    package let deliveries: [CRMDeliveryState]

    package init(current: CustomerVersion, history: [CustomerVersion], deliveries: [CRMDeliveryState]) {
        self.current = current
        self.history = history
        self.deliveries = deliveries
    }
}

/// Where one CRM stands with one customer.
package struct CRMDeliveryState: Sendable, Equatable {
    package let crm: String
    /// The newest version delivered, and when; nil before the first delivery.
    package let deliveredVersion: Int?
    package let deliveredAt: String?
    /// Versions waiting (coalesced into the newest when sent), and dead ones.
    package let pending: Int
    package let dead: Int
    /// The last failure, when the newest delivery failed.
    package let lastError: String?

    package init(
        crm: String, deliveredVersion: Int?, deliveredAt: String?, pending: Int, dead: Int, lastError: String?
    ) {
        self.crm = crm
        self.deliveredVersion = deliveredVersion
        self.deliveredAt = deliveredAt
        self.pending = pending
        self.dead = dead
        self.lastError = lastError
    }
}

/// A delivery a CRM worker is to make: the customer's state at `version` (nil: delete it).
package struct OutboxItem: Sendable, Equatable {
    package let deliveryID: Int64
    package let crm: String
    package let customerID: String
    package let version: Int
    package let customer: Customer?
    /// Attempts made before this one.
    package let attempts: Int
    /// When the version was queued (end-to-end latency starts here).
    package let queuedAt: String
    /// For a deletion: the email of the customer's last state (HubSpot finds a contact by email only).
    package let lastEmail: String?

    package init(
        deliveryID: Int64, crm: String, customerID: String, version: Int, customer: Customer?, attempts: Int,
        queuedAt: String, lastEmail: String? = nil
    ) {
        self.deliveryID = deliveryID
        self.crm = crm
        self.customerID = customerID
        self.version = version
        self.customer = customer
        self.attempts = attempts
        self.queuedAt = queuedAt
        self.lastEmail = lastEmail
    }
}

/// What became of one delivery attempt.
package struct OutboxSettlement: Sendable, Equatable {
    package enum Result: Sendable, Equatable {
        /// The CRM has it (its record id, when it said).
        case delivered(remoteID: String?)
        /// Try again at `nextAttemptAt` (UTC with milliseconds), for `reason`.
        case retry(nextAttemptAt: String, reason: String)
        /// The CRM refused it for good: to the dead-letter queue with its message.
        case dead(reason: String)
    }

    package let deliveryID: Int64
    package let result: Result

    package init(deliveryID: Int64, result: Result) {
        self.deliveryID = deliveryID
        self.result = result
    }
}

/// `GET /outbox`: one CRM's queue.
package struct OutboxDepth: Sendable, Equatable {
    package let crm: String
    /// Customers with a pending delivery, and pending versions in all.
    package let pendingCustomers: Int
    package let pendingVersions: Int
    /// When the oldest pending version was queued; nil when none is pending.
    package let oldestPendingAt: String?
    package let dead: Int
    package let delivered: Int

    package init(
        crm: String, pendingCustomers: Int, pendingVersions: Int, oldestPendingAt: String?, dead: Int, delivered: Int
    ) {
        self.crm = crm
        self.pendingCustomers = pendingCustomers
        self.pendingVersions = pendingVersions
        self.oldestPendingAt = oldestPendingAt
        self.dead = dead
        self.delivered = delivered
    }
}

/// `GET /outbox/dead`: a delivery the CRM refused for good.
package struct DeadLetter: Sendable, Equatable {
    package let deliveryID: Int64
    package let crm: String
    package let customerID: String
    package let version: Int
    package let attempts: Int
    package let reason: String
    package let queuedAt: String
    package let deadAt: String

    package init(
        deliveryID: Int64, crm: String, customerID: String, version: Int, attempts: Int, reason: String,
        queuedAt: String, deadAt: String
    ) {
        self.deliveryID = deliveryID
        self.crm = crm
        self.customerID = customerID
        self.version = version
        self.attempts = attempts
        self.reason = reason
        self.queuedAt = queuedAt
        self.deadAt = deadAt
    }
}
