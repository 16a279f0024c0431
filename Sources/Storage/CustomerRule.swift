package import OrderCore

/// What a change does to a customer: the one rule both engines apply inside the change's transaction
/// (docs/customers.md §2). The current state only moves forward in event time: a change older than it
/// is kept in history (and logged in conflict_log) but never becomes current and is never sent.
package enum CustomerRule {
    package enum Decision: Equatable, Sendable {
        /// Store a version with this state (nil: deleted) and queue its deliveries.
        case apply(Customer?)
        /// Store a version with this state for the history only.
        case stale(Customer?)
        /// The current state already is this one: store nothing.
        case unchanged
        /// Nothing to change: a deletion or merge of a customer never stored or deleted.
        case notFound
    }

    /// Decides `request` against `current`, the customer's current version (nil: never stored).
    package static func decide(_ request: CustomerChangeRequest, current: CustomerVersion?) -> Decision {
        let exists = current?.customer != nil
        switch request.change {
        case .merge, .delete:
            guard exists else { return current != nil && request.change == .delete ? .unchanged : .notFound }
        case .replace: break
        }
        let next = request.change.applied(to: current?.customer, id: request.customerID)
        guard let current else { return .apply(next) }
        if request.changedAt < current.changedAt { return .stale(next) }
        return next == current.customer ? .unchanged : .apply(next)
    }

    /// conflict_log's entity for a customer (orders use their bare id): `customer:<id>`.
    package static func conflictEntity(_ customerID: String) -> String { "customer:" + customerID }

    /// conflict_log's details of a change that came later than the state it lost to.
    package static func lateDetails(_ request: CustomerChangeRequest, current: CustomerVersion) -> String {
        "\(request.change.name) from \(request.source) at \(request.changedAt) is older than version \(current.version) "
            + "from \(current.source) at \(current.changedAt): kept in history, not current, not sent"
    }
}
