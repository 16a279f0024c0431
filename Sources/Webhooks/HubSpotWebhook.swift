package import OrderCore

/// `POST /webhooks/hubspot` without the HTTP and storage around it (docs/realtime.md §5):
/// the v3 signature first, then the body, a JSON array of events, each checked on its own.
package enum HubSpotWebhook {
    /// Most events one body may carry. HubSpot sends batches (often quoted as at most 100, unconfirmed:
    /// docs/realtime.md §5); ten times that is refused whole (400).
    package static let maxEvents = 1_000
    /// Largest body decoded (413 beyond): the caller bounds the body before reading it (docs/realtime.md
    /// §4, 2 MiB); this holds for any caller.
    package static let maxBodyBytes = 2 * 1_024 * 1_024

    /// The signature (401 with the failed check), then `decode`: nothing of an unsigned body is read.
    package static func receive(
        method: String, requestTarget: String, body: [UInt8], headers: HeaderLookup, publicURL: PublicBaseURL,
        secrets: [WebhookSecret], now: Timestamp
    ) throws(WebhookError) -> HubSpotBatch {
        try HubSpotSignature.verify(
            headers: headers, method: method, requestTarget: requestTarget, publicURL: publicURL, body: body,
            secrets: secrets, now: now)
        return try decode(body: body)
    }

    /// The events of a (verified) body. The whole body is refused only when it is no array of at most
    /// `maxEvents` JSON values (400) or too large (413); an element that is no valid event is listed in
    /// `invalid` with its reason and the others still decode, so one odd event does not make HubSpot
    /// redeliver, up to 10 times, the ones that were fine (docs/realtime.md §5).
    package static func decode(body: [UInt8]) throws(WebhookError) -> HubSpotBatch {
        guard body.count <= maxBodyBytes else {
            throw WebhookError(413, "the body is over \(maxBodyBytes) bytes")
        }
        var batch = HubSpotBatch()
        var firstIndex: [String: Int] = [:]
        var tooMany = false
        let visit = { (index: Int, element: JSONValue) -> Bool in
            guard index < maxEvents else {
                tooMany = true
                return false
            }
            switch HubSpotWebhook.event(element, index: index) {
            case .failure(let problem):
                batch.invalid.append(HubSpotBatch.Invalid(index: index, reason: problem.reason))
            case .success(let event):
                if let first = firstIndex[event.key] {
                    batch.duplicates.append(HubSpotBatch.Duplicate(index: index, key: event.key, firstIndex: first))
                } else {
                    firstIndex[event.key] = index
                    batch.events.append(event)
                }
            }
            return true
        }
        let parsed: Result<JSONParser.TopLevel, JSONSyntaxError> = body.withUnsafeBufferPointer { buffer in
            do throws(JSONSyntaxError) {
                return .success(try JSONParser.forEachElement(buffer, visit))
            } catch {
                return .failure(error)
            }
        }
        switch parsed {
        case .failure(let error): throw WebhookError(400, "the body is not JSON: \(error)")
        case .success(.object): throw WebhookError(400, "the body must be an array of events, not an object")
        case .success(.other(let type)): throw WebhookError(400, "the body must be an array of events, not \(type)")
        case .success(.array):
            if tooMany { throw WebhookError(400, "the body holds more than \(maxEvents) events") }
            return batch
        }
    }
}
