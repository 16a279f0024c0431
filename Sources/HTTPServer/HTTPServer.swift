import Dispatch
import Synchronization
import Threads

#if canImport(Glibc)
    import Glibc
#endif

/// The HTTP/1.1 server: one event thread and a pool of worker threads (nginx's and Apache's event MPM
/// split). The event thread accepts, and holds every connection that waits for bytes — idle between
/// keep-alive requests, still sending its request head or body, or closing — in one readiness set
/// (`Epoll`), with its deadline; a worker takes a connection only when bytes have arrived, serves
/// what it can (blocking in a handler, a group-commit wait or a streamed query, holds only that
/// worker) and parks it again (`HTTPServer+Parking.swift`). Threads are bounded by the pool, not by
/// the connections; connections by the open-file limit. At that cap the oldest idle connection is
/// closed for a new one, and a connection that must be refused still gets its 503.
///
/// Lifecycle: `start()` → running → `drain()` (listener closed, idle connections closed, in-flight
/// requests finish, bounded in time) → stopped.
package final class HTTPServer: Sendable {
    let configuration: ServerConfiguration
    let handler: any HTTPHandler
    let state: Locked<State>
    /// Read end of the drain event: readable once draining began.
    let drainEvent: Int32
    private let drainSignal: Int32
    let acceptorFinished = DispatchSemaphore(value: 0)
    let epoll: Epoll
    let pool: WorkerPool
    /// The budget every connection charges the request bytes it holds to (`RequestMemoryBudget`).
    package let requestMemory: RequestMemoryBudget
    /// Open connections at most (`ServerConfiguration.maxConnections`, resolved at start).
    package let maxConnections: Int
    /// Read by every connection at every exchange, so kept apart from `state`'s lock: set once the
    /// drain begins, and whether the server is under pressure (`updatePressure`, by the event thread).
    private let drainingFlag = Atomic<Bool>(false)
    private let pressureFlag = Atomic<Bool>(false)

    struct State {
        var listener: Int32 = -1
        var port: UInt16 = 0
        var draining = false
        /// Sockets of open connections (served, parked or closing), so a drain that runs out of time
        /// can cut them off.
        var connections: Set<Int32> = []
        /// Refused sockets closing gracefully after their 503.
        var refusing = 0
        /// Open connections per client address (counted only when `maxConnectionsPerClient` is set).
        var clients: ClientConnections
        /// Connections waiting in the readiness set, by park serial (their epoll token).
        var parked: [UInt64: Parked] = [:]
        var deadlines = DeadlineHeap()
        /// Serials of idle parks, oldest first (stale ones skipped): who is closed first at the cap.
        var idleOrder: [UInt64] = []
        var idleHead = 0
        var idleCount = 0
        var nextSerial: UInt64 = 16
        /// Connections closed at the cap to make room for new ones, since start.
        var evicted = 0
    }

    /// Refused sockets closed gracefully at once; beyond this a refused socket is closed right after
    /// its 503 is written (a flood must not take every descriptor).
    static let maxLingeringRefusals = 128

    package init(configuration: ServerConfiguration, handler: any HTTPHandler) throws(SocketError) {
        self.configuration = configuration
        self.handler = handler
        self.state = Locked(State(clients: ClientConnections(limit: configuration.maxConnectionsPerClient)))
        self.requestMemory = RequestMemoryBudget(limitBytes: configuration.requestMemoryBytes)
        (self.drainEvent, self.drainSignal) = try Syscall.makeEvent()
        self.epoll = try Epoll()
        self.pool = WorkerPool(maxThreads: configuration.workerThreads, stackBytes: configuration.threadStackBytes)
        Syscall.ignoreSIGPIPE()
        let descriptors = Syscall.raiseOpenFileLimit()
        self.maxConnections = max(1, configuration.maxConnections ?? (descriptors - configuration.reservedDescriptors))
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
        if !Threads.start(stackSize: 512 * 1024, { [self] in eventLoop(listener: fd) }) {
            // No event thread: nothing is served; a drain must still end (it waits for the acceptor).
            Syscall.close(fd)
            acceptorFinished.signal()
        }
        return port
    }

    /// The bound port.
    package var port: UInt16 { state.withLock { $0.port } }

    /// Open connections right now.
    package var openConnections: Int { state.withLock { $0.connections.count } }

    /// Connections closed at the connection cap to make room for new ones, since start.
    package var evictedConnections: Int { state.withLock { $0.evicted } }

    /// What `/metrics` shows of the connections and the workers, read at once.
    package struct Figures: Sendable {
        /// Open client connections: served, waiting, or closing.
        package var open = 0
        /// Of those, waiting between requests (parked in the event thread).
        package var idle = 0
        /// The connection cap.
        package var max = 0
        /// Connections closed at the cap to make room for new ones, since start.
        package var evicted = 0
        /// The worker pool's size (`WORKER_THREADS`).
        package var maxWorkers = 0
        /// Worker threads, and how many of them serve a connection right now.
        package var workers = 0
        package var busyWorkers = 0

        package init() {}
    }

    package var figures: Figures {
        var figures = state.withLock { state in
            var figures = Figures()
            (figures.open, figures.idle, figures.evicted) = (state.connections.count, state.idleCount, state.evicted)
            return figures
        }
        let (threads, idle) = pool.counts
        (figures.max, figures.workers, figures.busyWorkers) = (maxConnections, threads, threads - idle)
        figures.maxWorkers = configuration.workerThreads
        return figures
    }

    /// True once `drain()` began.
    package var isDraining: Bool { drainingFlag.load(ordering: .acquiring) }

    /// Stops accepting, lets in-flight requests finish within the drain timeout, then cuts off what is left.
    /// Returns true when every connection ended on its own.
    @discardableResult
    package func drain() -> Bool {
        let alreadyDraining = state.withLock { state in
            defer { state.draining = true }
            return state.draining
        }
        drainingFlag.store(true, ordering: .releasing)
        if !alreadyDraining { Syscall.signal(event: drainSignal) }
        acceptorFinished.wait()
        acceptorFinished.signal()  // let a second caller through too
        let ended = connectionsEnd(withinMilliseconds: configuration.drainTimeoutMilliseconds)
        if !ended {
            state.withLock { state in
                for fd in state.connections { Syscall.shutdownBoth(fd) }
            }
            // A handler still running holds storage the caller closes next (ServeCommand: `store.close()`):
            // the cut connections fail their next read or write and come back.
            _ = connectionsEnd(withinMilliseconds: Self.cutConnectionsGraceMilliseconds)
        }
        pool.retire()
        return ended
    }

    /// How long `drain` waits, after cutting what the drain timeout left, for those handlers to return.
    static let cutConnectionsGraceMilliseconds = 2_000

    /// Waits until no connection is open, at most `milliseconds`; true when none is.
    private func connectionsEnd(withinMilliseconds milliseconds: Int) -> Bool {
        let deadline = Syscall.nowMilliseconds() + Int64(milliseconds)
        while openConnections > 0 {
            if Syscall.nowMilliseconds() >= deadline { return false }
            usleep(5_000)
        }
        return true
    }

    /// Open connections from `client` right now, as the per-client cap counts them (0 when it is off).
    package func openConnections(from client: String) -> Int { state.withLock { $0.clients.count(client) } }

    /// True while connections or request memory run short: timeouts shrink (`Timeouts`). As of the event
    /// thread's last turn (at least once a second).
    var underPressure: Bool { pressureFlag.load(ordering: .relaxed) }

    /// Works out `underPressure` anew: open connections past half the cap, or request memory past three
    /// quarters of its budget.
    func updatePressure(openConnections: Int) {
        pressureFlag.store(
            openConnections * 2 >= maxConnections || requestMemory.bufferedBytes * 4 >= requestMemory.limitBytes * 3,
            ordering: .relaxed)
    }
}
