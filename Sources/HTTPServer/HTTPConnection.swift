#if canImport(Glibc)
    import Glibc
#endif

/// One client connection, served on its own thread from accept to close:
/// read head → (100-continue) → read body → handle → write → keep-alive or close.
/// The thread owns the socket and is the only one to close it.
final class HTTPConnection {
    private let fd: Int32
    private let peer: String
    private let configuration: ServerConfiguration
    private let handler: any HTTPHandler
    private let drainEvent: Int32
    /// This connection's share of the request memory budget: what the parser holds, a body read whole,
    /// and what the handler's body sink holds (`RequestMemory`).
    private let memory: RequestMemory
    private let isDraining: () -> Bool
    private var parser: HTTPRequestParser
    private let writer: ResponseWriter
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    /// When a connection with no request under way is closed. Fixed when the last exchange ended (or at
    /// accept: a new connection must start its first request within the head timeout), so a client
    /// cannot hold its slot by trickling bytes that carry no request, such as bare CRLFs.
    private var idleDeadline: Int64

    init(
        fd: Int32, peer: String, configuration: ServerConfiguration, handler: any HTTPHandler, drainEvent: Int32,
        memory: RequestMemory, isDraining: @escaping () -> Bool
    ) {
        self.fd = fd
        self.peer = peer
        self.configuration = configuration
        self.handler = handler
        self.drainEvent = drainEvent
        self.memory = memory
        self.isDraining = isDraining
        self.parser = HTTPRequestParser(limits: configuration)
        self.writer = ResponseWriter(fd: fd, writeTimeoutMilliseconds: configuration.writeTimeoutMilliseconds)
        self.idleDeadline = Syscall.nowMilliseconds() + Int64(configuration.headTimeoutMilliseconds)
    }

    /// Serves requests until the client leaves, an error closes the connection, or the server drains;
    /// `beforeClose` runs just before the socket is closed.
    func run(beforeClose: () -> Void) {
        while serveOne() {}
        memory.release()
        beforeClose()
        Syscall.close(fd)
    }

    private enum ReadOutcome { case data, closed, timedOut, draining }

    /// Serves one exchange; false when the connection must close.
    private func serveOne() -> Bool {
        var started: Int64 = 0  // monotonic nanoseconds of the request's first byte
        var head: HTTPRequestHead?
        var body: [UInt8]?
        var sink: (any HTTPBodySink)?
        var sunkBytes = 0
        /// A body read whole, once the parser handed it over: still held until the exchange ends.
        var heldBody = 0
        var deadline: Int64 = 0
        do {
            while body == nil {
                if let event = try parser.next() {
                    switch event {
                    case .head(let parsed):
                        head = parsed
                        if let early = try afterHead(parsed, sink: &sink) {
                            // Without a body the request is complete: take its (empty) body event so
                            // the connection can go on with the next request.
                            if !parser.expectsBody { _ = try parser.next() }
                            return respond(
                                early, head: parsed, started: started, requestBytes: 0, forceClose: memory.refused)
                        }
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
                    sink = nil  // what it holds goes now, not after the lingering close
                    memory.hold(0, as: .handler)
                    return refuseForMemory(head: head, started: started, requestBytes: sunkBytes)
                }
                // Need more bytes: which timeout applies depends on where we are.
                let phase = parser.phase
                let now = Syscall.nowMilliseconds()
                switch phase {
                case .idle:
                    if isDraining() { return false }
                    deadline = idleDeadline
                case .head:
                    if started == 0 { started = Syscall.nowNanoseconds() }
                    deadline = started / 1_000_000 + Int64(configuration.headTimeoutMilliseconds)
                case .body:
                    deadline = now + Int64(configuration.bodyTimeoutMilliseconds)
                }
                switch try read(until: deadline, wakeOnDrain: phase == .idle) {
                case .data:
                    if started == 0 { started = Syscall.nowNanoseconds() }
                case .closed, .draining:
                    return false
                case .timedOut:
                    if phase == .idle { return false }
                    _ = respond(
                        handler.protocolError(status: 408, detail: "the request did not arrive in time"),
                        head: head, started: started, requestBytes: 0, forceClose: true)
                    return false
                }
            }
        } catch let error as HTTPParseError {
            _ = respond(
                handler.protocolError(status: error.status, detail: error.detail), head: head, started: started,
                requestBytes: 0, forceClose: true)
            return false
        } catch {
            return false  // socket error: the client is gone
        }
        guard let head, let bodyCount = body?.count else { return false }
        let requestBytes = bodyCount + sunkBytes
        if memory.refused || !memory.hold(parser.bufferedBytes + heldBody, as: .transport) {
            sink = nil
            memory.hold(0, as: .handler)
            return refuseForMemory(head: head, started: started, requestBytes: requestBytes)
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
        return respond(response, head: head, started: started, requestBytes: requestBytes)
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

    /// Writes a response; true when the connection stays open.
    private func respond(
        _ response: HTTPResponse, head: HTTPRequestHead?, started: Int64, requestBytes: Int,
        forceClose: Bool = false
    ) -> Bool {
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
        if !keepAlive && delivered { lingeringClose() }
        // The exchange is over: what the handler held goes back; the parser keeps only what follows.
        memory.endExchange()
        memory.hold(parser.bufferedBytes, as: .transport)
        idleDeadline = Syscall.nowMilliseconds() + Int64(configuration.idleTimeoutMilliseconds)
        return keepAlive && delivered
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
    private func refuseForMemory(head: HTTPRequestHead?, started: Int64, requestBytes: Int) -> Bool {
        memory.refuse()
        _ = respond(overBudgetResponse(), head: head, started: started, requestBytes: requestBytes, forceClose: true)
        return false
    }

    /// Reads what is available into the parser, waiting until `deadline` (monotonic ms).
    private func read(until deadline: Int64, wakeOnDrain: Bool) throws -> ReadOutcome {
        while true {
            let result = try readBuffer.withUnsafeMutableBytes { raw in try Syscall.read(fd, raw) }
            switch result {
            case .bytes(let count):
                readBuffer.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                return .data
            case .endOfFile:
                return .closed
            case .wouldBlock:
                let remaining = deadline - Syscall.nowMilliseconds()
                if remaining <= 0 { return .timedOut }
                var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
                if wakeOnDrain { fds.append(pollfd(fd: drainEvent, events: Int16(POLLIN), revents: 0)) }
                _ = try Syscall.poll(&fds, milliseconds: Int32(min(remaining, Int64(Int32.max))))
                if wakeOnDrain && fds[1].revents != 0 && fds[0].revents == 0 { return .draining }
            }
        }
    }

    /// Closes gracefully (see `Lingering`), reusing this connection's buffer.
    private func lingeringClose() {
        Lingering.drain(fd, buffer: &readBuffer, milliseconds: 2_000)
    }
}

extension HTTPResponse.Body {
    var isStream: Bool {
        if case .stream = self { return true }
        return false
    }
}
