import FuzzSupport

@testable package import HTTPServer

/// However the peer's bytes are cut into reads, the parser must see the same requests: parses a
/// stream whole (the reference) and cut into the reads its control bytes choose, buffering bodies and
/// streaming them, and compares.
package enum DeliveryCheck {
    /// Control bytes taken off the front of a fuzz input: limits and cut size, then the cut seed.
    package static let controlCount = 2

    /// Runs both deliveries of `stream` under the limits `control` chooses; returns the reference run.
    package static func run(_ stream: [UInt8], control: [UInt8]) -> (run: ParseRun, limits: ServerConfiguration) {
        let limits = FuzzLimits.limits(Int(control[0]))
        let maxChunk = FuzzLimits.maxChunks[Int(control[0]) / FuzzLimits.choices % FuzzLimits.maxChunks.count]
        let whole = ParserDriver.run([stream], limits: limits)
        let pieces = ParserDriver.run(split(stream, maxChunk: maxChunk, seed: UInt64(control[1])), limits: limits)
        check(
            whole.requests == pieces.requests,
            "cut into reads of ≤ \(maxChunk) bytes: requests \(pieces.requests) instead of \(whole.requests)")
        check(
            whole.errorStatus == pieces.errorStatus,
            "cut into reads of ≤ \(maxChunk) bytes: error \(String(describing: pieces.errorStatus)) instead of "
                + "\(String(describing: whole.errorStatus))")
        check(whole.pendingHead == pieces.pendingHead, "cut into reads: a different unfinished request")
        check(whole.phase == pieces.phase, "cut into reads: phase \(String(describing: pieces.phase))")
        // A body handed on as it arrives (a handler's body sink) holds the same bytes and limits.
        let streamed = ParserDriver.run(
            split(stream, maxChunk: maxChunk, seed: UInt64(control[1])), limits: limits, streaming: true)
        check(whole.requests == streamed.requests, "streamed bodies: requests \(streamed.requests)")
        check(whole.errorStatus == streamed.errorStatus, "streamed bodies: a different error")
        check(whole.pendingHead == streamed.pendingHead, "streamed bodies: a different unfinished request")
        check(whole.phase == streamed.phase, "streamed bodies: phase \(String(describing: streamed.phase))")
        return (whole, limits)
    }
}
