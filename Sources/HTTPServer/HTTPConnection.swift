#if canImport(Glibc)
    import Glibc
#endif

/// One client connection, as a state machine a worker thread advances: read head → (100-continue) →
/// read body → handle → write → keep-alive or close. When it needs bytes that have not arrived it
/// returns `.wait` instead of blocking, and the event thread (`ConnectionLoop`) parks it until they
/// do; handlers and response writing still block on the worker (group-commit waits, streamed queries).
/// One thread at a time advances it: the loop hands it to exactly one worker per readiness report.
final class HTTPConnection {
    let fd: Int32
    let peer: String
    private let configuration: ServerConfiguration
    private let handler: any HTTPHandler
    /// This connection's share of the request memory budget: what the parser holds, a body read whole,
    /// and what the handler's body sink holds (`RequestMemory`).
    let memory: RequestMemory
    /// In the event thread's readiness set already (armed again, not added, when parked again).
    var registered = false
    private let isDraining: () -> Bool
    /// True while the server is short of connections or request memory: timeouts shrink (`Timeouts`).
    private let underPressure: () -> Bool
    private var parser: HTTPRequestParser
    private let writer: ResponseWriter
    /// Since when the connection has no request under way (monotonic ms): the last exchange's end, or
    /// the accept (a new connection must start its first request within the head timeout). Fixed then,
    /// so a client cannot hold its slot by trickling bytes that carry no request, such as bare CRLFs.
    private var idleSince: Int64
    private var servedAny = false

    // The exchange under way, kept across waits.
    /// Monotonic nanoseconds of the request's first byte (0: none yet).
    private var started: Int64 = 0
    private var head: HTTPRequestHead?
    private var body: [UInt8]?
    private var sink: (any HTTPBodySink)?
    private var sunkBytes = 0
    /// A body read whole, once the parser handed it over: still held until the exchange ends.
    private var heldBody = 0
    /// The body must make progress: at least `Timeouts.minimumBodyBytes` in each body timeout. When the
    /// current window began (monotonic ms) and the bytes it brought.
    private var bodyWindowStart: Int64 = 0
    private var bodyWindowBytes = 0

    /// What the worker does with the connection once `advance` returns.
    enum Next: Equatable {
        /// Park it until it has input or `deadline` (monotonic ms) passes; `idle`: between requests
        /// (the deadline closes it silently), else inside one (the deadline answers 408).
        case wait(deadline: Int64, idle: Bool)
        /// The last response is written: stop sending, discard what still comes for a moment, close.
        case linger
        /// Close now (the client is gone, or nothing was written).
        case close
    }

    init(
        fd: Int32, peer: String, configuration: ServerConfiguration, handler: any HTTPHandler,
        memory: RequestMemory, isDraining: @escaping () -> Bool, underPressure: @escaping () -> Bool
    ) {
        self.fd = fd
        self.peer = peer
        self.configuration = configuration
        self.handler = handler
        self.memory = memory
        self.isDraining = isDraining
        self.underPressure = underPressure
        self.parser = HTTPRequestParser(limits: configuration)
        self.writer = ResponseWriter(fd: fd, writeTimeoutMilliseconds: configuration.writeTimeoutMilliseconds)
        self.idleSince = Syscall.nowMilliseconds()
    }

    /// Serves what has arrived, and what arrives within `holdMilliseconds` more, then says what next.
    /// `buffer` is the worker's read buffer (connections own none, so a parked one costs little).
    func advance(buffer: inout [UInt8], holdMilliseconds: Int) -> Next {
        // The hold starts anew after each response: a busy keep-alive client stays on this worker. Within
        // one exchange it does not, so a client trickling its bytes cannot keep a worker past one hold.
        var holdUntil = Syscall.nowMilliseconds() + Int64(holdMilliseconds)
        do {
            while true {
                if let next = try readRequest(buffer: &buffer, holdUntil: holdUntil) { return next }
                let ending = handle()
                guard ending == .keepAlive else { return ending == .linger ? .linger : .close }
                holdUntil = Syscall.nowMilliseconds() + Int64(holdMilliseconds)
            }
        } catch let error as HTTPParseError {
            return finish(
                respond(
                    handler.protocolError(status: error.status, detail: error.detail), requestBytes: 0,
                    forceClose: true))
        } catch {
            return .close  // socket error: the client is gone
        }
    }

    /// A parked connection's deadline passed: between requests it closes; inside one it gets 408.
    func expire() -> Next {
        if parser.phase == .idle && head == nil { return .close }
        return finish(
            respond(
                handler.protocolError(status: 408, detail: "the request did not arrive in time"), requestBytes: 0,
                forceClose: true))
    }

    /// Gives back what a waiting connection need not hold: the buffers grown by past exchanges.
    func shrinkForWaiting() {
        guard head == nil else { return }
        parser.releaseIdleBuffer()
        writer.releaseBuffers()
        memory.hold(parser.bufferedBytes, as: .transport)
    }

    /// The connection is done with (closed by the caller): everything it held goes back.
    func release() {
        sink = nil
        body = nil
        memory.release()
    }

    private enum Ending { case keepAlive, linger, close }

    private func finish(_ ending: Ending) -> Next {
        switch ending {
        case .keepAlive, .linger: return .linger
        case .close: return .close
        }
    }

    /// Reads until a whole request (head and body) is here: nil then, else what to do meanwhile.
    private func readRequest(buffer: inout [UInt8], holdUntil: Int64) throws -> Next? {
        while body == nil {
            if let event = try parser.next() {
                switch event {
                case .head(let parsed):
                    head = parsed
                    if let early = try afterHead(parsed, sink: &sink) {
                        // Without a body the request is complete: take its (empty) body event so
                        // the connection can go on with the next request.
                        if !parser.expectsBody { _ = try parser.next() }
                        let ending = respond(early, requestBytes: 0, forceClose: memory.refused)
                        if ending != .keepAlive { return finish(ending) }
                        continue
                    }
                    (bodyWindowStart, bodyWindowBytes) = (Syscall.nowMilliseconds(), 0)
                case .body(let bytes):
                    if let sink {
                        if !bytes.isEmpty { sink.consume(bytes) }
                        sunkBytes += bytes.count
                        body = []
                    } else {
                        body = bytes
                        heldBody = bytes.capacity
                    }
                }
                continue
            }
            // What arrived of a streamed body goes on now, so the body is never held whole.
            if let sink {
                let part = parser.takeBodyBytes()
                if !part.isEmpty {
                    sink.consume(part)
                    sunkBytes += part.count
                }
            }
            // Before waiting for more: what is held now must fit the memory budget.
            if memory.refused || !memory.hold(parser.bufferedBytes, as: .transport) {
                return finish(refuseForMemory(requestBytes: sunkBytes))
            }
            // Need more bytes: which deadline applies depends on where we are.
            let phase = parser.phase
            let timeouts = Timeouts(configuration, underPressure: underPressure())
            let deadline: Int64
            switch phase {
            case .idle:
                if isDraining() { return .close }
                deadline = idleSince + Int64(servedAny ? timeouts.idleMilliseconds : timeouts.headMilliseconds)
            case .head:
                if started == 0 { started = Syscall.nowNanoseconds() }
                deadline = started / 1_000_000 + Int64(timeouts.headMilliseconds)
            case .body:
                deadline = bodyWindowStart + Int64(timeouts.bodyMilliseconds)
            }
            switch try read(buffer: &buffer, until: deadline, holdUntil: holdUntil) {
            case .data(let count):
                if started == 0 { started = Syscall.nowNanoseconds() }
                if phase == .body {
                    bodyWindowBytes += count
                    if bodyWindowBytes >= Timeouts.minimumBodyBytes {
                        (bodyWindowStart, bodyWindowBytes) = (Syscall.nowMilliseconds(), 0)
                    }
                }
            case .closed:
                return .close
            case .notYet:
                return .wait(deadline: deadline, idle: phase == .idle && head == nil)
            case .timedOut:
                return expire()
            }
        }
        return nil
    }

    /// Hands the complete request to the handler and writes its response.
    private func handle() -> Ending {
        guard let head, let bodyCount = body?.count else { return .close }
        let requestBytes = bodyCount + sunkBytes
        if memory.refused || !memory.hold(parser.bufferedBytes + heldBody, as: .transport) {
            return refuseForMemory(requestBytes: requestBytes)
        }
        var request = HTTPRequest(head: head, body: body ?? [], remoteAddress: peer)
        request.bodySink = sink
        (body, sink) = (nil, nil)
        let response = handler.handle(request)
        // The body and whatever the handler's sink holds go before the response is written (a slow
        // reader of the response holds no request memory), and so does their charge.
        request.body = []
        request.bodySink = nil
        memory.hold(0, as: .handler)
        memory.hold(parser.bufferedBytes, as: .transport)
        return respond(response, requestBytes: requestBytes)
    }

    /// Checks a fresh head: an early answer (closing, since the body stays unread) or nil to go on, with
    /// the handler's body sink (if it gives one) in `sink`.
    private func afterHead(_ head: HTTPRequestHead, sink: inout (any HTTPBodySink)?) throws -> HTTPResponse? {
        let expectations = head.headers.tokens("expect")
        if !expectations.isEmpty && expectations != ["100-continue"] {
            var response = handler.protocolError(status: 417, detail: "only Expect: 100-continue is supported")
            response.closeConnection = true
            return response
        }
        if var early = handler.preflight(head) {
            if parser.expectsBody { early.closeConnection = true }
            return early
        }
        if parser.expectsBody {
            sink = handler.bodySink(for: head, memory: memory)
            if sink != nil { parser.streamsBody = true }
            // A body read whole that is declared larger than the budget can never be held: refused now,
            // before it is read or invited (a sink decides this for itself, through `memory.refuse()`).
            if sink == nil, let length = parser.declaredBodyLength, memory.budget.canNeverHold(length) {
                memory.refuse()
            }
            if memory.refused { return overBudgetResponse() }
        }
        // RFC 9110 §10.1.1: invite the body only when we will read it and the client is waiting.
        if expectations == ["100-continue"] && head.version == .http11 && parser.expectsBody && !parser.hasBodyBytes {
            try writer.writeContinue()
        }
        return nil
    }

    /// Writes a response and ends the exchange: what comes next for the connection.
    private func respond(_ response: HTTPResponse, requestBytes: Int, forceClose: Bool = false) -> Ending {
        let keepAlive =
            !forceClose && !response.closeConnection && !isDraining() && (head?.wantsKeepAlive ?? false)
            && !(response.body.isStream && head?.version == .http10)
        var delivered = true
        do {
            try writer.write(
                response, version: head?.version ?? .http11, keepAlive: keepAlive,
                headOnly: head?.method == "HEAD")
        } catch {
            delivered = false
        }
        let end = Syscall.nowNanoseconds()
        let begin = started == 0 ? end : started
        handler.completed(
            CompletedExchange(
                head: head, status: response.status, requestBytes: requestBytes, responseBytes: writer.bodyBytes,
                durationSeconds: Double(end - begin) / 1e9, remoteAddress: peer,
                delivered: delivered, responseHeaders: response.headers))
        // The exchange is over: what the handler held goes back; the parser keeps only what follows.
        (head, body, sink, sunkBytes, heldBody, started) = (nil, nil, nil, 0, 0, 0)
        memory.endExchange()
        memory.hold(parser.bufferedBytes, as: .transport)
        (idleSince, servedAny) = (Syscall.nowMilliseconds(), true)
        if keepAlive && delivered { return .keepAlive }
        return delivered ? .linger : .close
    }

    /// The answer to a request that would pass the memory budget: 503 with `Retry-After` (the handler's
    /// protocol error), and the connection closes, its unread body discarded.
    private func overBudgetResponse() -> HTTPResponse {
        var response = handler.protocolError(
            status: 503, detail: "the server holds as many request bytes as its memory budget allows; retry shortly")
        response.closeConnection = true
        return response
    }

    /// Answers `overBudgetResponse` in the middle of a request, and closes.
    private func refuseForMemory(requestBytes: Int) -> Ending {
        sink = nil  // what it holds goes now, not after the lingering close
        memory.hold(0, as: .handler)
        memory.refuse()
        return respond(overBudgetResponse(), requestBytes: requestBytes, forceClose: true)
    }

    private enum ReadOutcome { case data(Int), closed, notYet, timedOut }

    /// Reads what is available into the parser; with nothing there, waits on this thread until
    /// `holdUntil` (cheaper than parking for a client that is about to send), never past `deadline`.
    private func read(buffer: inout [UInt8], until deadline: Int64, holdUntil: Int64) throws -> ReadOutcome {
        while true {
            let result = try buffer.withUnsafeMutableBytes { raw in try Syscall.read(fd, raw) }
            switch result {
            case .bytes(let count):
                buffer.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                return .data(count)
            case .endOfFile:
                return .closed
            case .wouldBlock:
                let now = Syscall.nowMilliseconds()
                if deadline <= now { return .timedOut }
                let waitUntil = min(deadline, holdUntil)
                if waitUntil <= now { return .notYet }
                _ = try Syscall.poll(fd, for: POLLIN, milliseconds: Int32(waitUntil - now))
            }
        }
    }
}
extension HTTPResponse.Body {
    var isStream: Bool {
        if case .stream = self { return true }
        return false
    }
}
