import Synchronization

/// One budget, for the whole process, for the request bytes held in memory: request heads and bodies
/// the server buffers, and what handlers hold of a body until they answer (a JSON body before it is
/// parsed, the orders parsed from it before they are committed). docs/contract.md §3, Limits.
///
/// Bytes are charged as they are held, never reserved ahead (a declared `Content-Length` charges
/// nothing until its bytes arrive), and given back as soon as they are not held any more. A request
/// that would pass the budget is refused: the server answers `503` with `Retry-After` and closes its
/// connection, and everything it held goes back to the budget.
///
/// Small requests are never refused: whatever a request holds up to `allowanceBytes` (a head and a
/// small body) is charged even beyond the limit, so a budget filled by large uploads never starves
/// small posts and probes. That part is bounded by the open connections (one request each at a time):
/// `limitBytes` plus connections × `allowanceBytes` bounds what is ever charged.
package final class RequestMemoryBudget: Sendable {
    /// The budget: bytes past the allowance are refused beyond it.
    package let limitBytes: Int
    /// What each request may hold whatever the budget says.
    package let allowanceBytes: Int
    private let used = Atomic<Int>(0)
    private let refusals = Atomic<Int>(0)

    /// The default allowance: a request head at its largest (8 KiB line, 64 KiB of fields) and a read.
    package static let defaultAllowanceBytes = 144 * 1024

    package init(limitBytes: Int, allowanceBytes: Int = RequestMemoryBudget.defaultAllowanceBytes) {
        self.limitBytes = max(0, limitBytes)
        self.allowanceBytes = max(0, allowanceBytes)
    }

    /// Request bytes held right now.
    package var bufferedBytes: Int { used.load(ordering: .relaxed) }

    /// True when a request holding `bytes` could never be served, however empty the budget: a body read
    /// whole and declared this large is refused before it is read.
    package func canNeverHold(_ bytes: Int) -> Bool {
        bytes > limitBytes + allowanceBytes
    }

    /// Requests refused since start because they would have passed the budget.
    package var refusedRequests: Int { refusals.load(ordering: .relaxed) }

    /// Charges `bytes` if the total stays within the limit; false (and nothing charged) otherwise.
    package func charge(_ bytes: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while true {
            guard current + bytes <= limitBytes else { return false }
            let (exchanged, original) = used.compareExchange(
                expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    /// Charges `bytes` whatever the limit (the allowance of a small request).
    package func force(_ bytes: Int) {
        used.wrappingAdd(bytes, ordering: .relaxed)
    }

    /// Gives back bytes charged before.
    package func release(_ bytes: Int) {
        used.wrappingSubtract(bytes, ordering: .relaxed)
    }

    fileprivate func countRefusal() {
        refusals.wrappingAdd(1, ordering: .relaxed)
    }

    /// The default budget: a quarter of the memory the process may use (the cgroup's limit, else the
    /// physical memory), and at most 512 MiB (README.md, Configuration).
    package static func defaultLimitBytes(processLimitBytes: Int?) -> Int {
        let quarter = (processLimitBytes ?? 2 * 1024 * 1024 * 1024) / 4
        return max(1024 * 1024, min(quarter, 512 * 1024 * 1024))
    }

    /// `defaultLimitBytes` for this process, read once (cgroup files and physical memory).
    package static let processDefaultLimitBytes = defaultLimitBytes(processLimitBytes: MemoryLimit.processLimitBytes())
}

/// What one connection's current request holds of the budget, in two parts: what the server buffers
/// (`transport`: the unparsed bytes, a body read whole) and what the handler holds (`handler`: a sink's
/// buffers and parsed orders). Used by the connection's thread only (a body sink runs on it too).
/// Whatever it holds goes back to the budget when it is released or deinitialised, so no path (an
/// error, a client gone, a thread ending) can leak a charge.
package final class RequestMemory: @unchecked Sendable {
    /// Who holds the bytes.
    package enum Part: Sendable { case transport, handler }

    package let budget: RequestMemoryBudget
    private var transport = 0
    private var handler = 0
    /// Set once this request was refused (the connection then answers 503 and closes).
    package private(set) var refused = false

    package init(budget: RequestMemoryBudget) {
        self.budget = budget
    }

    deinit {
        budget.release(transport + handler)
    }

    /// Bytes held now, both parts.
    package var heldBytes: Int { transport + handler }

    /// Says that `part` now holds `bytes`. Shrinking always succeeds; growing succeeds while the request
    /// stays within the allowance or the budget has room, else nothing changes, the request is marked
    /// refused and the answer is false.
    @discardableResult
    package func hold(_ bytes: Int, as part: Part = .handler) -> Bool {
        let old = part == .transport ? transport : handler
        let delta = bytes - old
        if delta > 0 {
            if refused { return false }
            if heldBytes + delta <= budget.allowanceBytes {
                budget.force(delta)
            } else if !budget.charge(delta) {
                refuse()
                return false
            }
        } else if delta < 0 {
            budget.release(-delta)
        }
        if part == .transport { transport = bytes } else { handler = bytes }
        return true
    }

    /// Marks the request refused without charging anything (a declared body that can never fit).
    package func refuse() {
        guard !refused else { return }
        refused = true
        budget.countRefusal()
    }

    /// The exchange is over: the handler's part goes back, and the next request starts unrefused.
    package func endExchange() {
        hold(0, as: .handler)
        refused = false
    }

    /// Gives everything back (the connection closes).
    package func release() {
        hold(0, as: .transport)
        hold(0, as: .handler)
    }
}
