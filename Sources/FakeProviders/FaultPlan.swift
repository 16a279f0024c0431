/// Pending faults, per provider, first in first out.
struct FaultPlan: Sendable {
    private var pending: [Provider: [Fault]] = [:]

    mutating func add(_ fault: Fault) {
        pending[fault.provider, default: []].append(fault)
    }

    /// The fault for the next request to `provider`, if one is pending (its count goes down by one).
    mutating func take(for provider: Provider) -> Fault? {
        guard var queue = pending[provider], !queue.isEmpty else { return nil }
        let fault = queue[0]
        queue[0].count -= 1
        if queue[0].count <= 0 { queue.removeFirst() }
        pending[provider] = queue
        return fault
    }

    mutating func clear() { pending = [:] }

    /// Requests still to be faulted, per provider.
    var remaining: [Provider: Int] { pending.mapValues { $0.reduce(0) { $0 + $1.count } } }
}
