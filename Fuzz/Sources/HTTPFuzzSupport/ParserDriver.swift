import FuzzSupport

@testable package import HTTPServer

/// Feeds a parser the way `HTTPConnection` does (append what a read returned, then take every
/// event) and checks, at every event, what must hold whatever the bytes are. With `streaming`, body
/// bytes are taken after every read as for a handler's body sink (`takeBodyBytes`) and put together
/// again: the requests must be the same as when the parser buffers the body.
package enum ParserDriver {
    /// The statuses an `HTTPParseError` may carry (see `HTTPParseError.status`).
    static let allowedStatuses: Set<Int> = [400, 413, 414, 431, 501, 505]

    package static func run(_ chunks: [[UInt8]], limits: ServerConfiguration, streaming: Bool = false) -> ParseRun {
        var parser = HTTPRequestParser(limits: limits)
        var taken: [UInt8] = []
        var run = ParseRun()
        var pendingHead: HTTPRequestHead?
        var delivered = 0
        var bodyBytes = 0
        do {
            for chunk in chunks {
                parser.append(chunk)
                delivered += chunk.count
                while let event = try parser.next() {
                    switch event {
                    case .head(let head):
                        check(pendingHead == nil, "two heads without a body in between")
                        RequestInvariants.checkHead(head, limits: limits)
                        check(parser.phase == .body, "after a head the parser must be in its body")
                        pendingHead = head
                        run.pendingHead = ParsedRequest(head)
                        parser.streamsBody = streaming
                    case .body(let rest):
                        let body = taken + rest
                        taken = []
                        guard let head = pendingHead, var request = run.pendingHead else {
                            fatalError("invariant violated: a body without a head")
                        }
                        bodyBytes += body.count
                        check(bodyBytes <= delivered, "more body bytes (\(bodyBytes)) than input (\(delivered))")
                        RequestInvariants.checkBody(body, head: head, limits: limits)
                        check(!parser.expectsBody, "a finished body still expects more")
                        check(parser.phase != .body, "after a body the parser must be between requests")
                        request.body = body
                        run.requests.append(request)
                        run.pendingHead = nil
                        pendingHead = nil
                    }
                }
                // Waiting for bytes: the phase must say what the connection waits for (its timeout).
                if pendingHead != nil {
                    check(parser.phase == .body, "waiting inside a body, but phase is \(parser.phase)")
                    if streaming { taken += parser.takeBodyBytes() }
                    check(taken.count <= limits.maxBodyBytes, "\(taken.count) body bytes taken, over the limit")
                }
            }
            run.phase = parser.phase
        } catch {
            check(allowedStatuses.contains(error.status), "unexpected status \(error.status): \(error.detail)")
            check(!error.detail.isEmpty, "a parse error without a detail")
            run.errorStatus = error.status
        }
        return run
    }
}
