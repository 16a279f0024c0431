import Foundation
import SQLite
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension FaultTests {
    /// 64 keep-alive clients post batches of distinct orders; SIGTERM lands mid-load. The process must
    /// exit 0 within 10 s (Cloud Run's grace period), every acknowledged order must be in the file, and
    /// every request must end in a whole response (2xx, or a 503 problem) or a close before any byte of
    /// one: never a cut-off response, never a 2xx whose rows are missing.
    @Test func sigtermUnderLoadAnswersOrClosesAndLosesNothing() throws {
        let directory = TemporaryDirectory()
        let dbPath = directory.file("term-load.db")
        let server = try ServerProcess(dbPath: dbPath)
        let ledger = Mutex(ShutdownLedger())
        let signalled = Atomic<Bool>(false)
        let port = server.port
        let group = DispatchGroup()
        for worker in 0..<64 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                ShutdownLedger.postUntilClosed(worker: worker, port: port, ledger: ledger, signalled: signalled)
            }
        }
        // Let the load get going on every connection, then signal in the middle of it.
        let deadline = Date().addingTimeInterval(60)
        while ledger.withLock({ $0.acknowledgedRequests }) < 64 * 8 && Date() < deadline { usleep(2_000) }
        signalled.store(true, ordering: .sequentiallyConsistent)
        server.signal(SIGTERM)
        let exit = server.waitForExit(timeoutSeconds: 10)
        #expect(group.wait(timeout: .now() + 30) == .success, "clients still waiting after the exit")

        let result = ledger.withLock { $0 }
        #expect(exit.status == 0, "exit status \(exit.status) (-1: still running 10 s after SIGTERM)")
        #expect(exit.log.contains("\"draining\"") && exit.log.contains("\"stopped\""))
        #expect(result.acknowledgedRequests >= 64 * 8, "the load did not get going: \(exit.log.suffix(500))")
        #expect(
            result.violations.isEmpty, "\(result.violations.count) bad endings, e.g. \(result.violations.prefix(3))")
        #expect(result.failedBeforeSignal == 0, "requests failed before the signal")

        let db = try Connection(path: dbPath, mode: .readOnly)
        let statement = try db.prepare("SELECT order_id FROM orders_raw")
        var stored = Set<String>()
        while try statement.step() { stored.insert(statement.string(0) ?? "") }
        let missing = result.acknowledged.subtracting(stored)
        #expect(missing.isEmpty, "lost \(missing.count) acknowledged orders, e.g. \(missing.prefix(3))")
        #expect(stored.isSubset(of: result.attempted), "rows nobody sent")
        #expect(try db.scalarString("PRAGMA integrity_check") == "ok")
        print(
            "SIGTERM under load: \(result.acknowledgedRequests) requests acknowledged, "
                + "\(result.answeredAfterSignal) answered after the signal (\(result.refused) with 503), "
                + "\(result.closedUnanswered) closed unanswered; \(stored.count) orders stored")
    }

    /// The first SIGTERM drains (waiting for a request still arriving); a second one ends the process
    /// at once, with status 1 instead of the drain's 0.
    @Test func aSecondSignalExitsAtOnce() throws {
        let directory = TemporaryDirectory()
        let server = try ServerProcess(dbPath: directory.file("twice.db"))
        let client = try RawClient(port: server.port)
        // A request whose body is still to come: the drain waits for it (up to its 8 s limit). The
        // 100 Continue says the server has the head and reads the body, so it is not an idle connection
        // (which the drain would close at once).
        try client.send(
            "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n"
                + "Expect: 100-continue\r\n\r\n")
        #expect(try client.readResponse().status == 100)
        server.signal(SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while !server.log.contains("\"draining\"") && Date() < deadline { usleep(5_000) }
        #expect(server.log.contains("\"draining\""))
        server.signal(SIGTERM)
        let exit = server.waitForExit(timeoutSeconds: 5)
        #expect(exit.status == 1, "status \(exit.status): the second signal did not end the drain")
        #expect(!exit.log.contains("\"stopped\""))
    }
}

/// What the clients of the SIGTERM test saw, merged under a lock.
struct ShutdownLedger {
    var attempted = Set<String>()
    var acknowledged = Set<String>()
    var acknowledgedRequests = 0
    var answeredAfterSignal = 0
    var refused = 0
    var closedUnanswered = 0
    var failedBeforeSignal = 0
    var violations: [String] = []

    /// One keep-alive connection posting 4 new orders at a time until the server closes it.
    static func postUntilClosed(
        worker: Int, port: UInt16, ledger: borrowing Mutex<ShutdownLedger>, signalled: borrowing Atomic<Bool>
    ) {
        guard let client = try? RawClient(port: port, receiveTimeoutSeconds: 15) else {
            ledger.withLock { $0.failedBeforeSignal += 1 }
            return
        }
        for sequence in 0... {
            let ids = (0..<4).map { "w\(worker)-\(sequence)-\($0)" }
            let late = signalled.load(ordering: .sequentiallyConsistent)
            ledger.withLock { $0.attempted.formUnion(ids) }
            // A failed send is a close too: the answer (if any) is read below all the same.
            try? client.send(Request.post(Orders.batch(ids)))
            let outcome = client.readOutcome()
            let keepGoing = ledger.withLock { ledger in
                ledger.record(outcome, ids: ids, late: late || signalled.load(ordering: .sequentiallyConsistent))
            }
            if !keepGoing { return }
        }
    }

    /// Books one exchange; true while the connection stays usable.
    private mutating func record(_ outcome: RawClient.Outcome, ids: [String], late: Bool) -> Bool {
        switch outcome {
        case .response(let response):
            if late { answeredAfterSignal += 1 }
            if response.status == 200 {
                guard let body = response.json as? [String: Any], body["inserted"] as? Int == ids.count else {
                    violations.append("a 200 with body \(response.text)")
                    return false
                }
                acknowledged.formUnion(ids)
                acknowledgedRequests += 1
            } else if response.status == 503 && response.headers["content-type"] == "application/problem+json" {
                refused += 1
            } else {
                violations.append("status \(response.status): \(response.text.prefix(200))")
            }
            if !late && response.status != 200 { failedBeforeSignal += 1 }
            return response.headers["connection"]?.lowercased() != "close"
        case .closedBeforeResponse:
            if !late { failedBeforeSignal += 1 }
            closedUnanswered += 1
            return false
        case .broken(let reason):
            violations.append(reason)
            return false
        }
    }
}
