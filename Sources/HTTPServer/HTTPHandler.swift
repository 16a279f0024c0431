/// The application behind the server. Called on the connection's own thread, which may block.
package protocol HTTPHandler: Sendable {
    /// Looks at a request head before its body is read: an answer here (404, 405, 401, 415, …) is sent
    /// at once, without reading (or inviting with 100-continue) a body nobody will use.
    func preflight(_ head: HTTPRequestHead) -> HTTPResponse?

    /// Answers a complete request.
    func handle(_ request: HTTPRequest) -> HTTPResponse

    /// Called after `preflight` let a request with a body through: a sink that reads the body piece by
    /// piece as it arrives (de-chunked), instead of the server buffering it whole; nil buffers it.
    /// The sink then comes back in `HTTPRequest.bodySink`, and `HTTPRequest.body` is empty.
    func bodySink(for head: HTTPRequestHead) -> (any HTTPBodySink)?

    /// `bodySink(for:)` with the request's share of the memory budget: a sink that holds what it read
    /// (a buffer, parsed items) says so through `memory.hold`, and once that refuses (or the sink calls
    /// `memory.refuse()` at once, for a body that can never fit) the server answers 503 and closes.
    func bodySink(for head: HTTPRequestHead, memory: RequestMemory) -> (any HTTPBodySink)?

    /// A response the server produced itself for a protocol error (400, 408, 413, 414, 431, 503, …).
    func protocolError(status: Int, detail: String) -> HTTPResponse

    /// Called once per exchange after the response was written (or the write failed), for access logs.
    func completed(_ exchange: CompletedExchange)

    /// Called on the accept thread when a connection is refused (a 503 before any request), for metrics.
    /// Must not block.
    func refused(_ reason: ConnectionRefusal)
}

extension HTTPHandler {
    /// By default every body is buffered whole.
    package func bodySink(for head: HTTPRequestHead) -> (any HTTPBodySink)? { nil }

    /// By default refusals are not counted.
    package func refused(_ reason: ConnectionRefusal) {}

    /// By default a sink holds nothing worth charging: the one of `bodySink(for:)`.
    package func bodySink(for head: HTTPRequestHead, memory: RequestMemory) -> (any HTTPBodySink)? {
        bodySink(for: head)
    }
}

/// Reads a request body as it arrives, on the connection's thread, before `handle` is called.
/// Sendable only to travel inside `HTTPRequest`: it is used by one connection thread at a time.
package protocol HTTPBodySink: AnyObject, Sendable {
    /// The next bytes of the body, in order; pieces may be split anywhere.
    func consume(_ bytes: [UInt8])
}

/// What happened in one exchange, for logging and metrics.
package struct CompletedExchange: Sendable {
    /// The request head, nil when the request could not be parsed.
    package var head: HTTPRequestHead?
    package var status: Int
    /// Body bytes received and sent (after de-chunking, before framing).
    package var requestBytes: Int
    package var responseBytes: Int
    /// From the first byte of the request head to the last byte of the response.
    package var durationSeconds: Double
    package var remoteAddress: String
    /// False when the client went away or timed out while the response was written.
    package var delivered: Bool
    /// The headers the handler gave the response (e.g. its request id).
    package var responseHeaders: HTTPHeaders
}
