/// What one `push` call achieved: an outcome per delivery it settled, and possibly a CRM-wide pause.
///
/// A delivery without an outcome was not sent, or its answer says nothing about it because the CRM as a
/// whole refused (a pause): it keeps its place in the outbox and no attempt is counted against it.
package struct CRMPushResult: Sendable, Equatable {
    package var outcomes: [Int64: CRMOutcome] = [:]
    /// Set when the CRM must not be called for a while (token refused, daily quota spent, a rate-limit
    /// window too long to wait inline): the worker parks this CRM's outbox, it does not dead-letter.
    package var pause: CRMPause?
    /// API requests sent, each split and replayed one counted (token requests are counted by the pusher).
    package var requests = 0

    package init() {}

    /// The deliveries of `deliveries` that have no outcome (not sent, or stopped by the pause).
    package func unsent(of deliveries: [CRMDelivery]) -> [Int64] {
        deliveries.map(\.id).filter { outcomes[$0] == nil }
    }

    /// What the circuit breaker makes of this call: a pause opens it; an answer the CRM gave about any
    /// record (delivered or refused) shows the CRM works; only transient failures count against it.
    package var breakerEvent: CircuitBreaker.Event? {
        if let pause { return .paused(seconds: pause.seconds) }
        if outcomes.values.contains(where: \.isFinal) { return .succeeded }
        return outcomes.isEmpty ? nil : .failed
    }

    mutating func settle(_ ids: some Sequence<Int64>, _ outcome: CRMOutcome) {
        for id in ids where outcomes[id] == nil { outcomes[id] = outcome }
    }
}

/// Stop calling this CRM for `seconds`, and why (for the log and the status page).
package struct CRMPause: Sendable, Equatable {
    package let reason: String
    package let seconds: Double

    package init(reason: String, seconds: Double) {
        self.reason = CRMText.clip(reason)
        self.seconds = max(0, seconds)
    }
}

/// A push refused before anything was sent: the caller broke its promise.
package enum CRMPushError: Error, Sendable, Equatable {
    /// Two deliveries of one customer in one call: the CRM could apply them in either order, and the
    /// older state could win. The outbox hands out at most one delivery per customer at a time.
    case duplicateCustomer(String)

    static func checkOneDeliveryPerCustomer(_ deliveries: [CRMDelivery]) throws(CRMPushError) {
        var seen: Set<String> = []
        for delivery in deliveries where !seen.insert(delivery.customerID).inserted {
            throw .duplicateCustomer(delivery.customerID)
        }
    }
}
