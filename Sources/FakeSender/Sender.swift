import HTTPServer
import OrderCore
import Threads

#if canImport(Glibc)
    import Glibc
#endif

/// `ordersync-fake-providers send`: plays the plan against a server from `concurrency` threads, each
/// with a keep-alive connection, phase after phase, and tells what was answered
/// (docs/fake-providers.md, "Sender").
package enum Sender {
    /// Runs the whole plan; the summary says what was sent, answered and expected.
    package static func run(_ options: SendOptions) throws(SendError) -> SendSummary {
        let (address, port) = try target(options.target)
        let plan = try SendPlan(options)
        let results = Results(plan.requests.count)
        let started = Threads.monotonicSeconds()
        var phaseSeconds: [String: Double] = [:]
        for phase in plan.phases {
            let phaseStart = Threads.monotonicSeconds()
            try runPhase(phase.requests, plan: plan, options: options, address: address, port: port, into: results)
            phaseSeconds[phase.name] = Threads.monotonicSeconds() - phaseStart
        }
        return SendSummary(
            plan: plan, results: results, seconds: Threads.monotonicSeconds() - started, phaseSeconds: phaseSeconds,
            toAPI: options.toAPI, offeredPerSecond: options.rate)
    }

    /// `http://127.0.0.1:8080` → its address and port.
    static func target(_ url: String) throws(SendError) -> (BindAddress, UInt16) {
        guard url.hasPrefix("http://") else { throw SendError("--target must be http://HOST:PORT, not \(url)") }
        var rest = url.dropFirst("http://".count)
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let colon = rest.lastIndex(of: ":"), let port = UInt16(rest[rest.index(after: colon)...]), port > 0 else {
            throw SendError("--target needs a port: \(url)")
        }
        let host = String(rest[..<colon])
        guard let address = BindAddress(host == "localhost" ? "127.0.0.1" : host) else {
            throw SendError("--target: \(host) is not a numeric address")
        }
        return (address, port)
    }

    /// One phase: requests with a partition go to that sender in order; the others to whichever sender
    /// is free, released `burst` at a time with a pause between (a burst is answered before the next).
    private static func runPhase(
        _ indices: [Int], plan: SendPlan, options: SendOptions, address: BindAddress, port: UInt16,
        into results: Results
    ) throws(SendError) {
        guard !indices.isEmpty else { return }
        let senders = max(1, min(options.concurrency, indices.count))
        var partitions = [[Int]](repeating: [], count: senders)
        var shared: [Int] = []
        for index in indices {
            if let partition = plan.requests[index].partition {
                partitions[partition % senders].append(index)
            } else {
                shared.append(index)
            }
        }
        let queue = WorkQueue(shared)
        // Open loop (--rate): when each shared request is due, from the phase's start.
        let phaseStart = Threads.monotonicSeconds()
        let interval = options.rate > 0 ? 1 / options.rate : 0
        let finished = Locked(0)
        let done = Condition()
        let host = "\(address.urlHost):\(port)"
        var started = 0
        for sender in 0..<senders {
            let own = partitions[sender]
            let running = Threads.start(stackSize: 512 * 1_024) {
                let connection = HTTPConnection(address: address, port: port, timeoutSeconds: options.timeoutSeconds)
                var outcomes: [Outcome] = []
                func send(_ index: Int, due: Double? = nil) {
                    let bytes = plan.wire(index, host: host)
                    if let due {
                        let wait = due - Threads.monotonicSeconds()
                        if wait > 0 { usleep(UInt32(min(wait, 60) * 1_000_000)) }
                    }
                    let start = due ?? Threads.monotonicSeconds()
                    do {
                        let (response, retried) = try connection.exchange(bytes)
                        outcomes.append(
                            Outcome(
                                index: index, status: response.status, answer: Sender.answer(response.body),
                                seconds: Threads.monotonicSeconds() - start, retried: retried, error: nil))
                    } catch {
                        outcomes.append(
                            Outcome(
                                index: index, status: 0, answer: nil, seconds: Threads.monotonicSeconds() - start,
                                retried: false, error: error.description))
                    }
                }
                for index in own { send(index) }
                while let (index, position) = queue.take() {
                    send(index, due: interval > 0 ? phaseStart + Double(position) * interval : nil)
                    queue.complete()
                }
                results.add(outcomes)
                done.withLock {
                    finished.withLock { $0 += 1 }
                    done.broadcast()
                }
            }
            guard running else {
                // No thread to give: stop the ones running, then say so.
                queue.finish()
                done.withLock {
                    while finished.withLock({ $0 }) < started { done.wait() }
                }
                throw SendError("cannot start sender thread \(sender + 1) of \(senders)")
            }
            started += 1
        }
        let burst = options.burst > 0 ? options.burst : max(shared.count, 1)
        var released = 0
        while released < shared.count {
            released = min(shared.count, released + burst)
            queue.release(upTo: released)
            if released < shared.count {
                queue.waitCompleted(released)
                if options.pauseMilliseconds > 0 { usleep(UInt32(min(options.pauseMilliseconds, 60_000)) * 1_000) }
            }
        }
        queue.finish()
        done.withLock {
            while finished.withLock({ $0 }) < senders { done.wait() }
        }
    }

    /// `{"status":"applied",…}` from the event endpoints; `inserted` / `unchanged` from `POST /`.
    static func answer(_ body: [UInt8]) -> String? {
        guard let value = try? JSONParser.parse(body) else { return nil }
        if case .string(let status)? = value["status"] { return status }
        if case .number(let inserted)? = value["inserted"] { return inserted == "0" ? "unchanged" : "inserted" }
        return nil
    }
}

/// One request's fate.
struct Outcome: Sendable {
    let index: Int
    /// 0 when no answer came.
    let status: Int
    let answer: String?
    let seconds: Double
    let retried: Bool
    let error: String?
}

/// The outcomes of every sender, gathered when each is done.
final class Results: Sendable {
    private let outcomes: Locked<[Outcome]>

    init(_ capacity: Int) {
        var empty: [Outcome] = []
        empty.reserveCapacity(capacity)
        outcomes = Locked(empty)
    }

    func add(_ more: [Outcome]) { outcomes.withLock { $0 += more } }
    var all: [Outcome] { outcomes.withLock { $0 } }
}

/// The shared requests of a phase: senders take the next released one; the coordinator releases
/// bursts and waits for them to be answered.
final class WorkQueue: @unchecked Sendable {
    // @unchecked Sendable: every field is touched with `condition` held.
    private let condition = Condition()
    private let items: [Int]
    private var released = 0
    private var taken = 0
    private var completed = 0
    private var finished = false

    init(_ items: [Int]) { self.items = items }

    /// The next request and its place in the phase, waiting for a release; nil once the phase is over.
    func take() -> (item: Int, position: Int)? {
        condition.withLock {
            while taken >= released && !finished { condition.wait() }
            guard taken < released else { return nil }
            taken += 1
            return (items[taken - 1], taken - 1)
        }
    }

    func complete() {
        condition.withLock {
            completed += 1
            condition.broadcast()
        }
    }

    func release(upTo count: Int) {
        condition.withLock {
            released = count
            condition.broadcast()
        }
    }

    func waitCompleted(_ count: Int) {
        condition.withLock {
            while completed < count { condition.wait() }
        }
    }

    func finish() {
        condition.withLock {
            finished = true
            condition.broadcast()
        }
    }
}
