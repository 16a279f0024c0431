/// Every limit and timeout of the server, each with its default and the status it produces (docs/contract.md §3).
package struct ServerConfiguration: Sendable {
    /// Address to bind (`BindAddress`: numeric IPv4 or IPv6); `0.0.0.0` listens on every interface
    /// (Cloud Run's contract), `::` on every IPv6 and IPv4 one, `127.0.0.1` on loopback only.
    package var host = "0.0.0.0"
    /// TCP port; 0 picks a free one (tests).
    package var port: UInt16 = 8080
    /// Request line longer than this: 414.
    package var maxRequestLineBytes = 8 * 1024
    /// Header section (after the request line) larger than this: 431.
    package var maxHeaderBytes = 64 * 1024
    /// More header fields than this (trailers included): 431.
    package var maxHeaderCount = 100
    /// Request body (after de-chunking) larger than this: 413.
    package var maxBodyBytes = 32 * 1024 * 1024
    /// The budget for request bytes held in memory by all connections together (`REQUEST_MEMORY_MB`,
    /// `RequestMemoryBudget`): a request that would pass it gets 503 with `Retry-After` and is closed.
    package var requestMemoryBytes = RequestMemoryBudget.processDefaultLimitBytes
    /// The whole request head must arrive within this after its first byte: else 408 and close.
    package var headTimeoutMilliseconds = 10_000
    /// A body must bring at least `Timeouts.minimumBodyBytes` (or its end) within each period this long:
    /// else 408 and close (a trickle cannot hold a connection, like Apache's mod_reqtimeout MinRate).
    package var bodyTimeoutMilliseconds = 30_000
    /// A keep-alive connection idle this long between requests is closed.
    package var idleTimeoutMilliseconds = 60_000
    /// A client that takes nothing of a response for this long is dropped.
    package var writeTimeoutMilliseconds = 30_000
    /// Open connections at most; nil: the open-file limit (raised to its hard limit at start) less
    /// `reservedDescriptors`. At the cap the oldest idle connection is closed for a new one; with none
    /// idle, the new one is answered 503 with `Retry-After` and closed.
    package var maxConnections: Int?
    /// Descriptors kept for everything that is not a client connection (database files, PostgreSQL
    /// connections, the sync worker's pipes, logs).
    package var reservedDescriptors = 256
    /// Threads that serve requests, at most (`WorkerPool`). Connections waiting for bytes hold none.
    package var workerThreads = 256
    /// After a response (or any read), a worker waits this long for the client's next bytes before it
    /// parks the connection in the event thread: a busy keep-alive client then costs no hand-over. Not
    /// when every worker is busy.
    package var holdMilliseconds = 10
    /// Under pressure (connections past half the cap, or request memory past three quarters of its
    /// budget) the idle, head and body timeouts shrink to these (`Timeouts`).
    package var pressureIdleTimeoutMilliseconds = 5_000
    package var pressureHeadTimeoutMilliseconds = 3_000
    package var pressureBodyTimeoutMilliseconds = 10_000
    /// Open connections from one client address beyond this are answered 503 and closed; 0: no cap.
    /// Off by default: behind a proxy or load balancer every client has the proxy's address.
    package var maxConnectionsPerClient = 0
    /// How long a draining server lets in-flight requests finish (Cloud Run gives 10 s after SIGTERM).
    package var drainTimeoutMilliseconds = 8_000
    /// Stack size of each worker thread (`WorkerPool`).
    package var threadStackBytes = 512 * 1024

    package init() {}
}

/// The timeouts in force right now: the configured ones, or the shorter ones under pressure.
struct Timeouts {
    /// A body (or the end of it) must arrive at this many bytes per body timeout at least.
    static let minimumBodyBytes = 1_024
    let idleMilliseconds: Int
    let headMilliseconds: Int
    let bodyMilliseconds: Int

    init(_ configuration: ServerConfiguration, underPressure: Bool) {
        idleMilliseconds =
            underPressure
            ? min(configuration.idleTimeoutMilliseconds, configuration.pressureIdleTimeoutMilliseconds)
            : configuration.idleTimeoutMilliseconds
        headMilliseconds =
            underPressure
            ? min(configuration.headTimeoutMilliseconds, configuration.pressureHeadTimeoutMilliseconds)
            : configuration.headTimeoutMilliseconds
        bodyMilliseconds =
            underPressure
            ? min(configuration.bodyTimeoutMilliseconds, configuration.pressureBodyTimeoutMilliseconds)
            : configuration.bodyTimeoutMilliseconds
    }
}
