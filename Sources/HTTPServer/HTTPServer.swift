import Dispatch
import Threads

#if canImport(Glibc)
    import Glibc
#endif

/// The HTTP/1.1 server: a listener thread that accepts, and one thread per connection (bounded by
/// `maxConnections`) that parses, calls the handler and writes. Blocking in a handler (a group commit
/// wait, a streamed query) only ever holds that connection's own thread.
///
/// Lifecycle: `start()` → running → `drain()` (listener closed, idle connections closed, in-flight
/// requests finish, bounded in time) → stopped.
package final class HTTPServer: Sendable {
    private let configuration: ServerConfiguration
    private let handler: any HTTPHandler
    private let state: Locked<State>
    /// Read end of the drain event: readable once draining began (every idle connection polls it).
    private let drainEvent: Int32
    private let drainSignal: Int32
    private let acceptorFinished = DispatchSemaphore(value: 0)
    /// The budget every connection charges the request bytes it holds to (`RequestMemoryBudget`).
    package let requestMemory: RequestMemoryBudget

    private struct State {
        var listener: Int32 = -1
        var port: UInt16 = 0
        var draining = false
        /// Sockets of open connections, so a drain that runs out of time can cut them off.
        var connections: Set<Int32> = []
        /// Refusals being answered right now, each on its own short-lived thread.
        var refusing = 0
        /// Open connections per client address (counted only when `maxConnectionsPerClient` is set).
        var clients: ClientConnections
    }

    /// Refusals answered at once; beyond this a refused socket is closed without an answer, since
    /// a flood must not turn into a flood of threads.
    private static let maxConcurrentRefusals = 64

    package init(configuration: ServerConfiguration, handler: any HTTPHandler) throws(SocketError) {
        self.configuration = configuration
        self.handler = handler
        self.state = Locked(State(clients: ClientConnections(limit: configuration.maxConnectionsPerClient)))
        self.requestMemory = RequestMemoryBudget(limitBytes: configuration.requestMemoryBytes)
        (self.drainEvent, self.drainSignal) = try Syscall.makeEvent()
        Syscall.ignoreSIGPIPE()
        Syscall.raiseOpenFileLimit()
    }

    /// A listening socket, bound but not yet accepting.
    package struct Listener: Sendable {
        fileprivate let fd: Int32
        package let port: UInt16

        /// Closes a listener that will never be started.
        package func close() { Syscall.close(fd) }
    }

    /// Binds the socket of `configuration` without accepting, so a caller learns that the port is
    /// taken before it does anything it would have to undo (Sources/ordersync/ServeCommand.swift binds
    /// before it opens, and perhaps creates, the database).
    package static func bind(_ configuration: ServerConfiguration) throws(SocketError) -> Listener {
        let (fd, port) = try Syscall.listen(host: configuration.host, port: configuration.port, backlog: 1_024)
        return Listener(fd: fd, port: port)
    }

    /// Binds and starts accepting; returns the port (useful with port 0).
    @discardableResult
    package func start() throws(SocketError) -> UInt16 {
        start(on: try HTTPServer.bind(configuration))
    }

    /// Starts accepting on a listener bound by `bind`; returns its port.
    @discardableResult
    package func start(on listener: Listener) -> UInt16 {
        let (fd, port) = (listener.fd, listener.port)
        state.withLock {
            $0.listener = fd
            $0.port = port
        }
        Threads.start(stackSize: 256 * 1024) { [self] in
            acceptLoop(listener: fd)
            acceptorFinished.signal()
        }
        return port
    }

    /// The bound port.
    package var port: UInt16 { state.withLock { $0.port } }

    /// Open connections right now.
    package var openConnections: Int { state.withLock { $0.connections.count } }

    /// True once `drain()` began.
    package var isDraining: Bool { state.withLock { $0.draining } }

    /// Stops accepting, lets in-flight requests finish within the drain timeout, then cuts off what is left.
    /// Returns true when every connection ended on its own.
    @discardableResult
    package func drain() -> Bool {
        let alreadyDraining = state.withLock { state in
            defer { state.draining = true }
            return state.draining
        }
        if !alreadyDraining { Syscall.signal(event: drainSignal) }
        acceptorFinished.wait()
        acceptorFinished.signal()  // let a second caller through too
        let deadline = Syscall.nowMilliseconds() + Int64(configuration.drainTimeoutMilliseconds)
        while Syscall.nowMilliseconds() < deadline {
            if openConnections == 0 { return true }
            usleep(5_000)
        }
        state.withLock { state in
            for fd in state.connections { Syscall.shutdownBoth(fd) }
        }
        return false
    }

    // MARK: - Accepting

    private func acceptLoop(listener: Int32) {
        defer { Syscall.close(listener) }
        while true {
            var fds = [
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                pollfd(fd: drainEvent, events: Int16(POLLIN), revents: 0),
            ]
            guard (try? Syscall.poll(&fds, milliseconds: -1)) != nil else {
                usleep(10_000)
                continue
            }
            if fds[1].revents != 0 { return }
            while let (fd, peer) = acceptOne(listener) {
                admit(fd: fd, peer: peer)
            }
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

    private func admit(fd: Int32, peer: String) {
        let configuration = configuration
        let refusal = state.withLock { state -> ConnectionRefusal? in
            guard state.connections.count < configuration.maxConnections else { return .maxConnections }
            guard state.clients.take(peer) else { return .maxConnectionsPerClient }
            state.connections.insert(fd)
            return nil
        }
        if let refusal {
            refuse(fd: fd, reason: refusal)
            return
        }
        Syscall.setNoDelay(fd)
        let handler = handler
        let drainEvent = drainEvent
        let requestMemory = requestMemory
        let started = Threads.start(stackSize: configuration.threadStackBytes) { [self] in
            let connection = HTTPConnection(
                fd: fd, peer: peer, configuration: configuration, handler: handler, drainEvent: drainEvent,
                memory: RequestMemory(budget: requestMemory), isDraining: { [self] in isDraining })
            // Forget the fd before the connection closes it, so a drain can never shut down a reused number.
            connection.run { [self] in forget(fd: fd, peer: peer) }
        }
        if !started {
            // No thread for it (a process or memory limit): the client gets a 503, not a hang.
            forget(fd: fd, peer: peer)
            refuse(fd: fd, reason: .noThread)
        }
    }

    /// Gives back what `admit` took for a connection.
    private func forget(fd: Int32, peer: String) {
        state.withLock { state in
            state.connections.remove(fd)
            state.clients.release(peer)
        }
    }

    /// Open connections from `client` right now, as the per-client cap counts them (0 when it is off).
    package func openConnections(from client: String) -> Int { state.withLock { $0.clients.count(client) } }

    /// Over a connection cap: a clean 503 problem document, never a reset (docs/contract.md §3). Answered on a
    /// short-lived thread (bounded in number and time) so the accept loop never waits on a slow client.
    private func refuse(fd: Int32, reason: ConnectionRefusal) {
        handler.refused(reason)
        let admitted = state.withLock { state in
            guard state.refusing < HTTPServer.maxConcurrentRefusals else { return false }
            state.refusing += 1
            return true
        }
        let detail =
            reason == .maxConnectionsPerClient
            ? "too many open connections from your address; retry shortly"
            : "too many open connections; retry shortly"
        let response = handler.protocolError(status: 503, detail: detail)
        guard admitted,
            Threads.start(
                stackSize: 128 * 1024,
                { [self] in
                    HTTPServer.answer(fd: fd, with: response)
                    state.withLock { $0.refusing -= 1 }
                })
        else {
            if admitted { state.withLock { $0.refusing -= 1 } }
            Syscall.close(fd)
            return
        }
    }

    /// Reads the request head (bounded), answers, closes gracefully.
    private static func answer(fd: Int32, with response: HTTPResponse) {
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        Lingering.skipHead(fd, buffer: &scratch, milliseconds: 1_000)
        let writer = ResponseWriter(fd: fd, writeTimeoutMilliseconds: 1_000)
        try? writer.write(response, version: .http11, keepAlive: false, headOnly: false)
        Lingering.drain(fd, buffer: &scratch, milliseconds: 1_000, maxBytes: 256 * 1024)
        Syscall.close(fd)
    }
}
