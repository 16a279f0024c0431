import Threads

#if canImport(Glibc)
    import Glibc
#endif

/// The event thread and the park: accepting, parking connections that wait for bytes, handing the
/// ready ones to workers, deadlines, graceful closes, and making room at the connection cap.
extension HTTPServer {
    /// What a parked connection waits for.
    enum Wait {
        /// Its next request (or its first): the deadline closes it without a word.
        case idle
        /// The rest of a request under way: the deadline answers 408.
        case request
        /// The peer's close after our last response (or a refusal's 503): the deadline closes it.
        case linger
    }

    struct Parked {
        let fd: Int32
        /// Nil for a refused socket closing after its 503.
        let connection: HTTPConnection?
        let wait: Wait
        let deadline: Int64
        /// Bytes discarded while lingering.
        var discarded = 0
    }

    private static let listenerToken: UInt64 = 1
    private static let drainToken: UInt64 = 2
    /// How long a closing connection may keep sending before it is cut off (RFC 9112 §9.6), and how much.
    private static let lingerMilliseconds: Int64 = 2_000
    private static let maxLingerBytes = 1 << 20

    // MARK: - The event thread

    func eventLoop(listener: Int32) {
        var listenerOpen = true
        do {
            try epoll.watch(listener, token: Self.listenerToken)
            try epoll.watch(drainEvent, token: Self.drainToken)
        } catch {
            // Without a readiness set nothing can be served: stop accepting, as a drain would.
            Syscall.close(listener)
            acceptorFinished.signal()
            return
        }
        var tokens: [UInt64] = []
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let (earliest, finished, open, draining) = state.withLock { state in
                (
                    state.deadlines.earliest, state.draining && state.connections.isEmpty && state.refusing == 0,
                    state.connections.count, state.draining
                )
            }
            updatePressure(openConnections: open)
            // The drain's wake-up byte is a hint: the flag itself is read at every turn (at least once a
            // second), so a drain never waits on a byte that went missing.
            if draining && listenerOpen {
                listenerOpen = false
                stopAccepting(listener)
            }
            if finished && !listenerOpen { break }
            var wait: Int64 = listenerOpen ? 1_000 : 50
            if let earliest { wait = min(wait, max(0, earliest - Syscall.nowMilliseconds())) }
            epoll.wait(into: &tokens, milliseconds: Int32(wait))
            for token in tokens {
                switch token {
                case Self.listenerToken:
                    while listenerOpen, let (fd, peer) = acceptOne(listener) { admit(fd: fd, peer: peer) }
                case Self.drainToken:
                    if listenerOpen {
                        listenerOpen = false
                        stopAccepting(listener)
                    }
                default:
                    ready(serial: token, scratch: &scratch)
                }
            }
            expireDue(scratch: &scratch)
        }
    }

    private func acceptOne(_ listener: Int32) -> (Int32, String)? {
        do {
            return try Syscall.accept(listener)
        } catch {
            // EMFILE/ENFILE/ENOBUFS: out of descriptors or memory. Back off instead of spinning.
            usleep(10_000)
            return nil
        }
    }

    /// The drain began: no more accepting, and connections waiting between requests close now — but
    /// one whose next request has already arrived is served first (its answer says `Connection: close`).
    private func stopAccepting(_ listener: Int32) {
        epoll.remove(listener)
        epoll.remove(drainEvent)
        Syscall.close(listener)
        acceptorFinished.signal()
        let idle: [Parked] = state.withLock { state in
            let serials = state.parked.compactMap { $0.value.wait == .idle ? $0.key : nil }
            return serials.compactMap { unpark($0, in: &state) }
        }
        for parked in idle {
            if let connection = parked.connection, (try? Syscall.poll(parked.fd, for: POLLIN, milliseconds: 0)) == 1 {
                serve(connection)
            } else {
                close(parked)
            }
        }
    }

    // MARK: - Admitting

    private enum Admission {
        case admitted(evicted: Parked?)
        case refused(ConnectionRefusal)
    }

    private func admit(fd: Int32, peer: String) {
        let maxConnections = maxConnections
        let admission = state.withLock { state -> Admission in
            guard state.clients.take(peer) else { return .refused(.maxConnectionsPerClient) }
            var evicted: Parked?
            if state.connections.count >= maxConnections {
                // Room for the new one: the connection idle the longest goes (nginx and Apache do the same).
                evicted = takeOldestIdle(in: &state)
                guard evicted != nil else {
                    state.clients.release(peer)
                    return .refused(.maxConnections)
                }
                state.evicted += 1
            }
            state.connections.insert(fd)
            return .admitted(evicted: evicted)
        }
        switch admission {
        case .refused(let reason):
            refuse(fd: fd, reason: reason)
        case .admitted(let evicted):
            if let evicted { close(evicted) }
            Syscall.setNoDelay(fd)
            let connection = HTTPConnection(
                fd: fd, peer: peer, configuration: configuration, handler: handler,
                memory: RequestMemory(budget: requestMemory), isDraining: { [self] in isDraining },
                underPressure: { [self] in underPressure })
            // Its first request must begin within the head timeout; until its first bytes arrive it costs
            // a descriptor and this object, no thread.
            let timeouts = Timeouts(configuration, underPressure: underPressure)
            park(connection, .wait(deadline: Syscall.nowMilliseconds() + Int64(timeouts.headMilliseconds), idle: true))
        }
    }

    /// The oldest connection parked between requests, taken out of the park (and out of the books).
    private func takeOldestIdle(in state: inout State) -> Parked? {
        while state.idleHead < state.idleOrder.count {
            let serial = state.idleOrder[state.idleHead]
            state.idleHead += 1
            if let parked = state.parked[serial], parked.wait == .idle {
                return unpark(serial, in: &state)
            }
        }
        return nil
    }

    /// Over a connection cap: a 503 problem document written at once (a fresh socket's buffer takes it),
    /// never a silent close (docs/contract.md §3); then a graceful close in the park.
    private func refuse(fd: Int32, reason: ConnectionRefusal) {
        handler.refused(reason)
        let detail =
            reason == .maxConnectionsPerClient
            ? "too many open connections from your address; retry shortly"
            : "too many open connections; retry shortly"
        let response = handler.protocolError(status: 503, detail: detail)
        try? ResponseWriter(fd: fd, writeTimeoutMilliseconds: 0).write(
            response, version: .http11, keepAlive: false, headOnly: false)
        Syscall.shutdownWrite(fd)
        let lingers = state.withLock { state in
            guard state.refusing < HTTPServer.maxLingeringRefusals else { return false }
            state.refusing += 1
            return true
        }
        guard lingers else {
            Syscall.close(fd)
            return
        }
        let deadline = Syscall.nowMilliseconds() + 1_000
        if !enterPark(Parked(fd: fd, connection: nil, wait: .linger, deadline: deadline), registered: false) {
            close(Parked(fd: fd, connection: nil, wait: .linger, deadline: deadline))
        }
    }

    // MARK: - Parking

    /// Where a connection goes once a worker is done with it (or once it is accepted).
    func park(_ connection: HTTPConnection, _ next: HTTPConnection.Next) {
        let parked: Parked
        switch next {
        case .close:
            close(Parked(fd: connection.fd, connection: connection, wait: .linger, deadline: 0))
            return
        case .linger:
            // Our side is done: what it held goes back now, and the peer gets our FIN.
            connection.release()
            Syscall.shutdownWrite(connection.fd)
            parked = Parked(
                fd: connection.fd, connection: connection, wait: .linger,
                deadline: Syscall.nowMilliseconds() + Self.lingerMilliseconds)
        case .wait(let deadline, let idle):
            if idle {
                if isDraining {
                    close(Parked(fd: connection.fd, connection: connection, wait: .idle, deadline: 0))
                    return
                }
                connection.shrinkForWaiting()
            }
            parked = Parked(fd: connection.fd, connection: connection, wait: idle ? .idle : .request, deadline: deadline)
        }
        if !enterPark(parked, registered: connection.registered) { close(parked) }
    }

    /// Puts `parked` in the readiness set with its deadline; false when the set refuses it. The entry is
    /// made before the descriptor is armed, under the lock the event thread takes to find it, so a
    /// readiness report can never come for a connection not yet parked.
    private func enterPark(_ parked: Parked, registered: Bool) -> Bool {
        state.withLock { state in
            // An idle connection parked while the drain starts is closed by the drain's sweep or here.
            if parked.wait == .idle && state.draining && parked.connection != nil { return false }
            let serial = state.nextSerial
            state.nextSerial += 1
            state.parked[serial] = parked
            state.deadlines.push(.init(deadline: parked.deadline, serial: serial))
            if parked.wait == .idle {
                state.idleOrder.append(serial)
                state.idleCount += 1
                compactIdleOrder(&state)
            }
            // Set before arming: once armed, the connection may be another thread's at any moment.
            parked.connection?.registered = true
            guard epoll.armOnce(parked.fd, token: serial, added: registered) else {
                _ = unpark(serial, in: &state)
                return false
            }
            return true
        }
    }

    /// Takes serial's entry out of the park; nil when it is not parked (any more).
    private func unpark(_ serial: UInt64, in state: inout State) -> Parked? {
        guard let parked = state.parked.removeValue(forKey: serial) else { return nil }
        if parked.wait == .idle { state.idleCount -= 1 }
        return parked
    }

    /// Drops the stale front of `idleOrder` once it is most of the array.
    private func compactIdleOrder(_ state: inout State) {
        guard state.idleHead > 1_024 && state.idleHead * 2 > state.idleOrder.count else { return }
        state.idleOrder.removeFirst(state.idleHead)
        state.idleHead = 0
    }

    // MARK: - Readiness and deadlines (event thread)

    private func ready(serial: UInt64, scratch: inout [UInt8]) {
        guard let parked = state.withLock({ unpark(serial, in: &$0) }) else { return }
        switch parked.wait {
        case .idle, .request:
            guard let connection = parked.connection else { return close(parked) }
            serve(connection)
        case .linger:
            discard(parked, scratch: &scratch)
        }
    }

    /// Hands a connection whose bytes arrived to a worker, which serves it and parks it again.
    private func serve(_ connection: HTTPConnection) {
        pool.submit { [self] buffer in
            let hold = pool.isSaturated ? 0 : configuration.holdMilliseconds
            park(connection, connection.advance(buffer: &buffer, holdMilliseconds: hold))
        }
    }

    /// A closing connection sent more: read and drop it, and close once it is done, past the byte
    /// bound, or gone.
    private func discard(_ parked: Parked, scratch: inout [UInt8]) {
        var parked = parked
        while true {
            let outcome = try? scratch.withUnsafeMutableBytes { raw in try Syscall.read(parked.fd, raw) }
            switch outcome {
            case .bytes(let count)?:
                parked.discarded += count
                if parked.discarded < Self.maxLingerBytes { continue }
            case .wouldBlock?:
                if enterPark(parked, registered: true) { return }
            case .endOfFile?, nil:
                break
            }
            return close(parked)
        }
    }

    private func expireDue(scratch: inout [UInt8]) {
        let now = Syscall.nowMilliseconds()
        let due: [Parked] = state.withLock { state in
            var due: [Parked] = []
            while let item = state.deadlines.popDue(now: now) {
                // A deadline whose park ended (the connection moved on) is stale.
                if let parked = state.parked[item.serial], parked.deadline == item.deadline {
                    due.append(unpark(item.serial, in: &state)!)
                }
            }
            return due
        }
        for parked in due {
            guard parked.wait == .request, let connection = parked.connection else {
                close(parked)
                continue
            }
            // Inside a request: the client gets its 408 (a write, so on a worker), then a graceful close.
            pool.submit { [self] _ in park(connection, connection.expire()) }
        }
    }

    /// Closes a connection for good and forgets it; whatever it held goes back.
    private func close(_ parked: Parked) {
        if let connection = parked.connection {
            connection.release()
            // Forget the fd before closing it, so a drain can never shut down a reused number.
            state.withLock { state in
                state.connections.remove(parked.fd)
                state.clients.release(connection.peer)
            }
        } else {
            state.withLock { $0.refusing -= 1 }
        }
        Syscall.close(parked.fd)
    }
}
