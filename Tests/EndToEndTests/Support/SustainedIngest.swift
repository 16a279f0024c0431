import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A few clients posting batches back to back over real sockets, each on its own thread, until
/// stopped, `maxBatches` per client, or `maxSeconds` (bounded in count and in time). Remembers every
/// order id the server acknowledged (200), so a test can ask what must be in a copy taken later.
final class SustainedIngest: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let acknowledgedIDs = Mutex<[String]>([])
    private let failures = Mutex<[String]>([])
    /// What `stop` found, once it ran.
    private let outcome = Mutex<[String]?>(nil)
    private let finished = DispatchSemaphore(value: 0)
    private let clients: Int
    /// Orders per batch unless a test says otherwise.
    static let defaultBatchSize = 20

    init(
        port: UInt16, clients: Int = 3, batchSize: Int = defaultBatchSize, maxBatches: Int = 5_000,
        maxSeconds: Double = 120
    ) {
        self.clients = clients
        let deadline = Date().addingTimeInterval(maxSeconds)
        for client in 0..<clients {
            Thread.detachNewThread { [self] in
                defer { finished.signal() }
                do {
                    let connection = try RawClient(port: port)
                    for batch in 0..<maxBatches {
                        if stopping.load(ordering: .relaxed) || Date() >= deadline { return }
                        let ids = (0..<batchSize).map { "c\(client)-b\(batch)-\($0)" }
                        try connection.send(Request.post(Orders.batch(ids)))
                        let response = try connection.readResponse()
                        guard response.status == 200 else {
                            failures.withLock { $0.append("client \(client): status \(response.status)") }
                            return
                        }
                        acknowledgedIDs.withLock { $0.append(contentsOf: ids) }
                    }
                } catch {
                    failures.withLock { $0.append("client \(client): \(error)") }
                }
            }
        }
    }

    /// The ids acknowledged so far.
    var acknowledged: [String] { acknowledgedIDs.withLock { $0 } }

    /// How many orders were acknowledged so far.
    var acknowledgedCount: Int { acknowledgedIDs.withLock { $0.count } }

    /// Waits (at most `timeoutSeconds`) until `count` orders were acknowledged; false if they were not.
    func waitUntilAcknowledged(_ count: Int, timeoutSeconds: Double = 30) -> Bool {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while acknowledgedCount < count {
            if Date() >= deadline || !failures.withLock({ $0.isEmpty }) { return false }
            usleep(2_000)
        }
        return true
    }

    /// Stops the clients and waits for them (each request is bounded by the client's receive timeout);
    /// returns what went wrong, if anything ("a client did not stop" past `timeoutSeconds`). Calling it
    /// again returns the same answer at once.
    func stop(timeoutSeconds: Double = 30) -> [String] {
        stopping.store(true, ordering: .relaxed)
        return outcome.withLock { outcome in
            if let outcome { return outcome }
            var result: [String] = []
            for _ in 0..<clients where finished.wait(timeout: .now() + timeoutSeconds) == .timedOut {
                result = ["a client did not stop within \(timeoutSeconds) s"]
                break
            }
            result = failures.withLock { $0 } + result
            outcome = result
            return result
        }
    }
}
