import Foundation
import Gzip
import HTTPServer
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The request memory budget (`REQUEST_MEMORY_MB`, docs/contract.md §3 Limits) against the real server:
/// slow large uploads beyond it get 503 with `Retry-After` and a closed connection while small posts go
/// on; what a request holds goes back however it ends; the server's resident memory stays within a
/// bound derived from the budget. Every wait is bounded (socket timeouts, deadlines).
@Suite struct MemoryBudgetTests {
    static let mebibyte = 1 << 20

    private func makeServer(
        budgetMiB: Int, configure: @escaping (inout ServerConfiguration) -> Void = { _ in }
    ) throws -> TestServer {
        try TestServer(configure: {
            $0.requestMemoryBytes = budgetMiB * MemoryBudgetTests.mebibyte
            configure(&$0)
        })
    }

    /// Polls `condition` every 10 ms for at most `seconds`; whether it came true.
    private func waitUntil(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() >= deadline { return false }
            usleep(10_000)
        }
        return true
    }

    private static func head(
        _ length: Int, type: String = "application/json", method: String = "POST", path: String = "/",
        extra: [String] = []
    ) -> String {
        ([
            "\(method) \(path) HTTP/1.1", "Host: test", "Content-Type: \(type)", "Content-Length: \(length)",
        ] + extra).joined(separator: "\r\n") + "\r\n\r\n"
    }

    /// How an upload went: still held by the server with no answer, or answered (and how).
    enum Upload {
        case holding
        case answered(RawResponse)
        case broken(String)
    }

    /// Sends `head` and then `body` in 64 KiB pieces, stopping as soon as an answer arrives (a real
    /// client would; sending on would only meet a reset). Then waits, bounded, for the answer or for
    /// `held()` to say that the server holds what was sent.
    static func upload(_ client: RawClient, head: String, body: [UInt8], held: () -> Bool) -> Upload {
        // A send that cannot go on for 10 s fails instead of waiting for ever.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(client.fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        do {
            try client.send(head)
            var offset = 0
            while offset < body.count, client.peek(waitMilliseconds: 0).isEmpty, !client.peerClosed {
                let end = min(body.count, offset + 65_536)
                try client.send(Array(body[offset..<end]))
                offset = end
            }
        } catch {
            // A reset while sending: the answer may still be there to read.
        }
        let deadline = Date().addingTimeInterval(10)
        while client.peek(waitMilliseconds: 10).isEmpty && !client.peerClosed {
            if held() { return .holding }
            if Date() >= deadline { return .broken("neither held nor answered within 10 s") }
        }
        switch client.readOutcome() {
        case .response(let response): return .answered(response)
        case .closedBeforeResponse: return .broken("closed without an answer")
        case .broken(let why): return .broken(why)
        }
    }

    /// A 503 of the budget: problem document, `Retry-After`, and the connection closed.
    private func expectRefusal(
        _ response: RawResponse, _ client: RawClient, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.status == 503, sourceLocation: sourceLocation)
        #expect(response.headers["retry-after"] != nil, sourceLocation: sourceLocation)
        #expect(response.headers["content-type"] == "application/problem+json", sourceLocation: sourceLocation)
        #expect(
            ((response.json as? [String: Any])?["detail"] as? String)?.contains("memory budget") == true,
            sourceLocation: sourceLocation)
        #expect(client.isClosedByPeer(), "the connection of a refused upload closes", sourceLocation: sourceLocation)
    }

    /// One value of an unlabelled series from `/metrics`.
    private func metric(_ name: String, port: UInt16) throws -> Double? {
        let client = try RawClient(port: port)
        try client.send(Request.get("/metrics"))
        let text = try client.readResponse().text
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }

    private func postSmall(_ port: UInt16, id: String) throws -> Int {
        let client = try RawClient(port: port)
        try client.send(Request.post(Orders.batch([id])))
        return try client.readResponse().status
    }

    // MARK: - Slow large uploads

    /// Five connections each declare a 6 MiB JSON body and send 3 MiB of it, one after the other, against
    /// an 8 MiB budget: two are held (6 MiB), the three that would pass it get 503 + Retry-After and are
    /// closed; a small post from another connection succeeds all along; the held ones trickle on and
    /// are held still; once they give up every byte is back, and a batch that fits is stored.
    @Test func slowLargeUploadsPastTheBudgetGet503WhileSmallPostsSucceed() throws {
        let server = try makeServer(budgetMiB: 8)
        let budget = server.server.requestMemory
        let filler = Array("[".utf8) + [UInt8](repeating: 0x20, count: 3 * MemoryBudgetTests.mebibyte - 1)
        var holding: [RawClient] = []
        var refused = 0
        for attacker in 0..<5 {
            let client = try RawClient(port: server.port)
            let before = budget.bufferedBytes
            let outcome = MemoryBudgetTests.upload(
                client, head: MemoryBudgetTests.head(6 * MemoryBudgetTests.mebibyte), body: filler,
                held: { budget.bufferedBytes >= before + filler.count })
            switch outcome {
            case .holding:
                holding.append(client)
            case .answered(let response):
                expectRefusal(response, client)
                refused += 1
            case .broken(let why):
                Issue.record("upload \(attacker): \(why)")
            }
            #expect(try postSmall(server.port, id: "small-\(attacker)") == 200, "a small post during upload \(attacker)")
            #expect(budget.bufferedBytes <= 8 * MemoryBudgetTests.mebibyte + 4 * budget.allowanceBytes)
        }
        #expect(holding.count == 2, "8 MiB holds two 3 MiB uploads, never a third")
        #expect(refused == 3)
        #expect(try metric("ordersync_http_request_memory_budget_bytes", port: server.port) == Double(8 << 20))
        #expect(try metric("ordersync_http_request_memory_bytes", port: server.port) ?? 0 >= Double(6 << 20))
        #expect(try metric("ordersync_http_request_memory_refused_total", port: server.port) == 3)

        // The held ones trickle on, a byte at a time: still held, still unanswered.
        for _ in 0..<3 {
            for client in holding { try client.send([0x20]) }
            usleep(100_000)
        }
        for client in holding { #expect(client.peek(waitMilliseconds: 0).isEmpty) }
        #expect(try postSmall(server.port, id: "small-trickle") == 200)

        // They give up: everything they held goes back.
        holding = []
        #expect(waitUntil { budget.bufferedBytes == 0 }, "held after the clients left: \(budget.bufferedBytes)")
        #expect(try metric("ordersync_http_request_memory_bytes", port: server.port) == 0)

        // Room again: a 1 MiB batch (its orders, about twice that, included) is stored.
        let details = String(repeating: "d", count: 1_000)
        let batch = "[" + (0..<1_000).map { Orders.one("big-\($0)", details: details) }.joined(separator: ",") + "]"
        let client = try RawClient(port: server.port)
        try client.send(Request.post(batch))
        #expect(try client.readResponse().status == 200)
        #expect(try server.rowCount() == 1_006)
        #expect(waitUntil { budget.bufferedBytes == 0 })
    }

    /// A JSON body (held whole before it is parsed) or any body read whole, declared larger than the
    /// budget, is refused before it is read: no 100 Continue, at once. NDJSON is read as it arrives,
    /// so only what it holds counts: it is invited.
    @Test func aBodyDeclaredPastTheBudgetIsRefusedBeforeItIsRead() throws {
        let server = try makeServer(budgetMiB: 8)
        let budget = server.server.requestMemory
        let declared = 9 * MemoryBudgetTests.mebibyte
        for (method, path) in [("POST", "/"), ("GET", "/healthz")] {
            let client = try RawClient(port: server.port)
            try client.send(MemoryBudgetTests.head(declared, method: method, path: path, extra: ["Expect: 100-continue"]))
            expectRefusal(try client.readResponse(), client)
        }
        let ndjson = try RawClient(port: server.port)
        try ndjson.send(
            MemoryBudgetTests.head(declared, type: "application/x-ndjson", extra: ["Expect: 100-continue"]))
        #expect(try ndjson.readResponse().status == 100)
        #expect(try metric("ordersync_http_request_memory_refused_total", port: server.port) == 2)
        #expect(waitUntil { budget.bufferedBytes == 0 })
    }

    /// NDJSON is parsed as it arrives, but its orders wait for the commit: they are charged, and a batch
    /// whose orders would pass the budget is refused with nothing stored.
    @Test func ordersWaitingForTheirCommitAreCharged() throws {
        let server = try makeServer(budgetMiB: 4)
        let budget = server.server.requestMemory
        let lines = (0..<40_000).map { Orders.one("n\($0)") }.joined(separator: "\n")  // ~4.5 MB
        let body = Array(lines.utf8)
        let client = try RawClient(port: server.port)
        switch MemoryBudgetTests.upload(
            client, head: MemoryBudgetTests.head(body.count, type: "application/x-ndjson"), body: body, held: { false })
        {
        case .answered(let response): expectRefusal(response, client)
        case let other: Issue.record("expected a 503, got \(other)")
        }
        #expect(try server.rowCount() == 0)
        #expect(waitUntil { budget.bufferedBytes == 0 })

        // A batch that fits goes through.
        let fits = try RawClient(port: server.port)
        let few = Array((0..<200).map { Orders.one("f\($0)") }.joined(separator: "\n").utf8)
        try fits.send(Array(MemoryBudgetTests.head(few.count, type: "application/x-ndjson").utf8) + few)
        #expect(try fits.readResponse().status == 200)
        #expect(try server.rowCount() == 200)
        #expect(waitUntil { budget.bufferedBytes == 0 })
    }

    // MARK: - Nothing left behind

    /// However a request ends (answered, refused, malformed, too large, timed out, abandoned, pipelined,
    /// read whole or streamed, gzip or not), what it held goes back: the budget is at 0 again, while the
    /// keep-alive connections that carried them stay open.
    @Test func theBudgetComesBackToZeroHoweverARequestEnds() throws {
        let server = try makeServer(budgetMiB: 8) {
            $0.bodyTimeoutMilliseconds = 300
            $0.maxBodyBytes = 4 * MemoryBudgetTests.mebibyte
        }
        let budget = server.server.requestMemory
        var open: [RawClient] = []
        func settled(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(
                waitUntil { budget.bufferedBytes == 0 }, "\(what): \(budget.bufferedBytes) bytes still held",
                sourceLocation: sourceLocation)
        }
        func exchange(_ what: String, _ bytes: [UInt8], expect status: Int, keep: Bool = true) throws {
            let client = try RawClient(port: server.port)
            try client.send(bytes)
            #expect(try client.readResponse().status == status, "\(what)")
            if keep { open.append(client) }
            settled(what)
        }
        func post(_ body: [UInt8], type: String = "application/json", extra: [String] = []) -> [UInt8] {
            Array(MemoryBudgetTests.head(body.count, type: type, extra: extra).utf8) + body
        }
        let json = Array(Orders.batch(["z1", "z2"]).utf8)
        let ndjson = Array((Orders.one("z3") + "\n" + Orders.one("z4")).utf8)
        let csv = Array("order_id,order_date,order_status\nz5,2025-08-08,paid\n".utf8)

        try exchange("JSON", post(json), expect: 200)
        try exchange("NDJSON", post(ndjson, type: "application/x-ndjson"), expect: 200)
        try exchange("CSV", post(csv, type: "text/csv"), expect: 200)
        try exchange("gzip JSON", post(try Deflater.gzip(json), extra: ["Content-Encoding: gzip"]), expect: 200)
        try exchange(
            "gzip NDJSON", post(try Deflater.gzip(ndjson), type: "application/x-ndjson", extra: ["Content-Encoding: gzip"]),
            expect: 200)
        try exchange("corrupt gzip", post([0x1F, 0x8B, 0x08, 0x00], extra: ["Content-Encoding: gzip"]), expect: 400)
        try exchange("malformed JSON", post(Array("[{".utf8)), expect: 400)
        try exchange("invalid order", post(Array(#"[{"order_id":"x"}]"#.utf8)), expect: 422)
        try exchange("declared past the body limit", Array(MemoryBudgetTests.head(5 << 20).utf8), expect: 413, keep: false)
        let chunk = [UInt8](repeating: 0x20, count: 1 << 20)
        let chunked =
            Array("POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            + (0..<5).flatMap { _ in Array("100000\r\n".utf8) + chunk + Array("\r\n".utf8) }
        try exchange("chunked past the body limit", chunked, expect: 413, keep: false)
        try exchange("a body read whole (GET)", Array(MemoryBudgetTests.head(100_000, method: "GET", path: "/healthz").utf8) + [UInt8](repeating: 0x20, count: 100_000), expect: 200)
        try exchange("pipelined", post(json) + post(ndjson, type: "application/x-ndjson"), expect: 200)
        #expect(try open.last?.readResponse().status == 200)
        settled("pipelined")

        // Too slow: 408 after half a body.
        let slow = try RawClient(port: server.port)
        try slow.send(Array(MemoryBudgetTests.head(2 << 20).utf8) + [UInt8](repeating: 0x20, count: 1 << 20))
        #expect(try slow.readResponse().status == 408)
        settled("timed out")

        // Abandoned half way: JSON (held whole), NDJSON and a body read whole.
        for (type, method) in [("application/json", "POST"), ("application/x-ndjson", "POST"), ("application/json", "GET")] {
            let gone = try RawClient(port: server.port)
            let path = method == "GET" ? "/healthz" : "/"
            let half = type == "application/json" ? [UInt8](repeating: 0x20, count: 1 << 20) : Array(ndjson + [0x0A])
            let before = budget.bufferedBytes
            try gone.send(Array(MemoryBudgetTests.head(2 << 20, type: type, method: method, path: path).utf8) + half)
            _ = waitUntil(seconds: 5) { budget.bufferedBytes > before }
            gone.resetOnClose()
        }
        settled("abandoned")

        // Refused half way by the budget: two uploads hold 6 MiB of it, a third is refused, then the two go.
        let part = [UInt8](repeating: 0x20, count: 3 << 20)
        var holders: [RawClient] = []
        for index in 0..<3 {
            let client = try RawClient(port: server.port)
            let before = budget.bufferedBytes
            let outcome = MemoryBudgetTests.upload(
                client, head: MemoryBudgetTests.head(4 << 20), body: part, held: { budget.bufferedBytes >= before + part.count })
            switch (index, outcome) {
            case (0...1, .holding): holders.append(client)
            case (2, .answered(let response)): expectRefusal(response, client)
            default: Issue.record("upload \(index): \(outcome)")
            }
        }
        holders = []
        settled("refused, then abandoned")

        #expect(open.count >= 10)
        for client in open { #expect(client.peek(waitMilliseconds: 0).isEmpty && !client.peerClosed) }
    }

    /// `REQUEST_MEMORY_MB` sets the budget (in MiB, logged at start and shown in /metrics); anything but
    /// a whole positive number stops the start with a line that names it.
    @Test func theSettingIsReadLoggedAndValidated() throws {
        let directory = TemporaryDirectory()
        let server = try ServerProcess(dbPath: directory.file("a.db"), environment: ["REQUEST_MEMORY_MB": "24"])
        #expect(server.log.contains(#""request_memory_mb":24"#), "\(server.log)")
        #expect(try metric("ordersync_http_request_memory_budget_bytes", port: server.port) == Double(24 << 20))
        let standard = try ServerProcess(dbPath: directory.file("b.db"))
        let fallback = Double(RequestMemoryBudget.processDefaultLimitBytes)
        #expect(try metric("ordersync_http_request_memory_budget_bytes", port: standard.port) == fallback)
        for wrong in ["0", "-5", "1.5", "lots", "2000000"] {
            do {
                _ = try ServerProcess(dbPath: directory.file("c.db"), environment: ["REQUEST_MEMORY_MB": wrong])
                Issue.record("REQUEST_MEMORY_MB=\(wrong) started")
            } catch {
                #expect("\(error)".contains("REQUEST_MEMORY_MB must be"), "\(wrong): \(error)")
            }
        }
    }

    // MARK: - Resident memory

    /// The server as its own process (`REQUEST_MEMORY_MB=16`): 12 connections at once each declare a
    /// 12 MiB JSON body (within the budget, so it is read) and send all of it but its last byte, while
    /// small posts keep coming from another connection. They grow together until the budget is full;
    /// from then on each that would pass it gets 503 and is closed, so at most one is held whole (12 of
    /// 16 MiB). Every small post succeeds, and the server's resident memory never passes its idle size
    /// plus the budget plus a per-connection allowance (the same uploads without a budget would have
    /// taken 144 MiB). Afterwards nothing is held.
    @Test func residentMemoryStaysWithinTheBudgetUnderManySlowUploads() throws {
        let directory = TemporaryDirectory()
        let dbPath = directory.file("budget.db")
        let budgetMiB = 16
        let server = try ServerProcess(dbPath: dbPath, environment: ["REQUEST_MEMORY_MB": "\(budgetMiB)"])
        #expect(try postSmall(server.port, id: "warm") == 200)
        let probe = ProcessProbe(pid: server.pid)
        let idle = probe.settled(databasePath: dbPath).residentBytes

        let shared = Shared(idle: idle)
        let samplerDone = DispatchSemaphore(value: 0)
        Thread {
            while !shared.stop.load(ordering: .relaxed) {
                _ = shared.peak.max(probe.residentBytes(), ordering: .relaxed)
                usleep(20_000)
            }
            samplerDone.signal()
        }.start()
        let legitDone = DispatchSemaphore(value: 0)
        let port = server.port
        Thread {
            while !shared.stop.load(ordering: .relaxed) {
                let status = (try? MemoryBudgetTests.postOne(port, id: "legit-\(UUID().uuidString)")) ?? -1
                shared.legit.withLock { $0.append(status) }
                usleep(100_000)
            }
            legitDone.signal()
        }.start()

        let attackers = 12
        let group = DispatchGroup()  // left once an upload's outcome is known
        let released = DispatchGroup()  // left once its thread is done with the connection
        let declared = 12 * MemoryBudgetTests.mebibyte
        let body = Array("[".utf8) + [UInt8](repeating: 0x20, count: declared - 2)
        for _ in 0..<attackers {
            group.enter()
            released.enter()
            Thread {
                var known = false
                defer {
                    if !known { group.leave() }
                    released.leave()
                }
                guard let client = try? RawClient(port: port) else {
                    shared.outcomes.withLock { $0.append("no connection") }
                    return
                }
                // Held: no answer 2 s after the last byte went (the server reads at memory speed).
                var sent: Date?
                let outcome = MemoryBudgetTests.upload(client, head: MemoryBudgetTests.head(declared), body: body) {
                    if sent == nil { sent = Date() }
                    return Date().timeIntervalSince(sent ?? Date()) > 2
                }
                switch outcome {
                case .answered(let response):
                    let closed = client.isClosedByPeer()
                    shared.outcomes.withLock {
                        $0.append("\(response.status) retry-after \(response.headers["retry-after"] ?? "none") closed \(closed)")
                    }
                case .holding:
                    shared.outcomes.withLock { $0.append("held") }
                    // Keeps its connection (and the server its bytes) until the test lets it go.
                    known = true
                    group.leave()
                    let deadline = Date().addingTimeInterval(60)
                    while !shared.release.load(ordering: .relaxed) && Date() < deadline { usleep(10_000) }
                case .broken(let why): shared.outcomes.withLock { $0.append("broken: \(why)") }
                }
            }.start()
        }
        let finished = group.wait(timeout: .now() + 120) == .success
        shared.stop.store(true, ordering: .relaxed)
        _ = legitDone.wait(timeout: .now() + 15)
        _ = samplerDone.wait(timeout: .now() + 5)
        #expect(finished, "the uploads did not end within 120 s")

        let results = shared.outcomes.withLock { $0 }
        #expect(results.count == attackers)
        let held = results.filter { $0 == "held" }.count
        #expect(held <= 1, "16 MiB holds one 12 MiB upload at most: \(results)")
        for result in results where result != "held" {
            #expect(result == "503 retry-after 1 closed true", "\(result)")
        }
        let statuses = shared.legit.withLock { $0 }
        #expect(!statuses.isEmpty && statuses.allSatisfy { $0 == 200 }, "small posts: \(statuses)")

        // Per connection: its thread's stack in use, its 64 KiB read buffer, its parser's buffer and what
        // it may hold beyond the budget (the allowance); and room for the allocator's own bookkeeping.
        let perConnection = 1 * MemoryBudgetTests.mebibyte
        let bound = idle + budgetMiB * MemoryBudgetTests.mebibyte + (attackers + 2) * perConnection + 16 * MemoryBudgetTests.mebibyte
        let underSanitizer = ProcessInfo.processInfo.environment["ORDERSYNC_SANITIZER"] != nil
        let highest = shared.peak.load(ordering: .relaxed)
        print("request memory budget \(budgetMiB) MiB: RSS idle \(idle / 1024) KiB, peak \(highest / 1024) KiB, bound \(bound / 1024) KiB")
        if !underSanitizer {
            #expect(highest <= bound, "RSS peak \(highest / 1024) KiB, bound \(bound / 1024) KiB (idle \(idle / 1024) KiB)")
        }
        #expect(try metric("ordersync_http_request_memory_refused_total", port: port) == Double(attackers - held))
        shared.release.store(true, ordering: .relaxed)  // the one held gives up
        #expect(released.wait(timeout: .now() + 70) == .success)
        var gauge: Double?
        _ = waitUntil { gauge = try? metric("ordersync_http_request_memory_bytes", port: port); return gauge == 0 }
        #expect(gauge == 0)
        #expect(try postSmall(port, id: "after") == 200)
    }

    /// What the threads of the resident-memory test share.
    final class Shared: Sendable {
        let peak: Atomic<Int>
        let stop = Atomic<Bool>(false)
        let legit = Mutex<[Int]>([])
        let outcomes = Mutex<[String]>([])
        let release = Atomic<Bool>(false)
        init(idle: Int) { peak = Atomic(idle) }
    }

    /// One small post on its own connection (for threads: no test state).
    static func postOne(_ port: UInt16, id: String) throws -> Int {
        let client = try RawClient(port: port, receiveTimeoutSeconds: 10)
        try client.send(Request.post(Orders.batch([id])))
        return try client.readResponse().status
    }
}
