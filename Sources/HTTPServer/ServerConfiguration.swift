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
    /// A body that makes no progress for this long: 408 and close.
    package var bodyTimeoutMilliseconds = 30_000
    /// A keep-alive connection idle this long between requests is closed.
    package var idleTimeoutMilliseconds = 60_000
    /// A client that takes nothing of a response for this long is dropped.
    package var writeTimeoutMilliseconds = 30_000
    /// Open connections beyond this are answered 503 and closed.
    package var maxConnections = 1_024
    /// Open connections from one client address beyond this are answered 503 and closed; 0: no cap.
    /// Off by default: behind a proxy or load balancer every client has the proxy's address.
    package var maxConnectionsPerClient = 0
    /// How long a draining server lets in-flight requests finish (Cloud Run gives 10 s after SIGTERM).
    package var drainTimeoutMilliseconds = 8_000
    /// Stack size of each connection thread.
    package var threadStackBytes = 512 * 1024

    package init() {}
}
