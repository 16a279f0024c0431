import HTTPServer
import OrderCore
import Storage
import Webhooks

/// `POST /webhooks/hubspot` (docs/customers.md §11): HubSpot's contact changes back in. The v3
/// signature first (nothing of an unsigned body is read), then every valid event of the batch stored
/// and applied in one transaction; `200` only once that is durable, with each event's outcome, so
/// HubSpot redelivers nothing that was taken and a redelivery changes nothing.
extension OrderService {
    func hubSpotWebhook(_ request: HTTPRequest) -> HTTPResponse {
        if let refusal = oversized(request) { return refusal }
        guard !configuration.events.hubSpotSecrets.isEmpty, let publicURL = configuration.events.publicURL else {
            return notConfigured("HUBSPOT_CLIENT_SECRET and PUBLIC_URL")
        }
        guard let customers = configuration.customers.store else { return customersUnavailable() }
        let now = OrderService.now()
        let batch: HubSpotBatch
        do throws(WebhookError) {
            batch = try HubSpotWebhook.receive(
                method: request.method, requestTarget: request.head.target, body: request.body,
                headers: OrderService.singleHeader(request), publicURL: publicURL,
                secrets: configuration.events.hubSpotSecrets, now: now)
        } catch {
            return refused(error, source: "hubspot")
        }
        let contacts: [String: [CustomerField: String]?]?
        switch readContacts(batch) {
        case .success(let read): contacts = read
        case .failure(let refusal): return refusal.response
        }
        let results: [(outcome: CRMEvent.Outcome, detail: String?)]
        do {
            results = try customers.applyCRMEvents(
                batch.events.map { $0.crmEvent(contacts: contacts) }, receivedAt: now.millisecondsText,
                crms: configuration.customers.crms)
        } catch {
            eventMetrics.count("hubspot", "failed")
            return storeFailure(error)
        }
        if results.contains(where: { $0.outcome == .applied }) { configuration.customers.onQueued?() }
        var counts: [CRMEvent.Outcome: Int] = [:]
        var writer = JSONWriter(capacity: 128 + 96 * results.count)
        writer.raw("{\"events\":[")
        var separator = ""
        for (event, result) in zip(batch.events, results) {
            counts[result.outcome, default: 0] += 1
            eventMetrics.count("hubspot", Self.metricOutcome(result.outcome))
            writer.raw(separator)
            separator = ","
            writer.raw("{\"index\":")
            writer.integer(Int64(event.index))
            writer.raw(",\"status\":")
            writer.string(result.outcome.rawValue)
            writer.raw(",\"detail\":")
            writer.optionalString(result.detail)
            writer.raw("}")
        }
        for duplicate in batch.duplicates {
            counts[.duplicate, default: 0] += 1
            eventMetrics.count("hubspot", "duplicate")
            writer.raw(separator)
            separator = ","
            writer.raw("{\"index\":\(duplicate.index),\"status\":\"duplicate\",\"detail\":")
            writer.string("repeats element \(duplicate.firstIndex) of this body")
            writer.raw("}")
        }
        writer.raw("],\"invalid\":[")
        for (position, invalid) in batch.invalid.enumerated() {
            eventMetrics.count("hubspot", "refused")
            if position > 0 { writer.raw(",") }
            writer.raw("{\"index\":\(invalid.index),\"problem\":")
            writer.string(invalid.reason)
            writer.raw("}")
        }
        writer.raw("]")
        for outcome in CRMEvent.Outcome.allCases {
            writer.raw(",\"\(outcome.rawValue)\":\(counts[outcome] ?? 0)")
        }
        writer.raw("}")
        return HTTPResponse(status: 200, contentType: "application/json", body: writer.bytes)
    }

    /// The contacts the batch's creations, restores and merges name, read from HubSpot before anything is
    /// stored (nil: no reader, those events are kept unapplied). A read that fails refuses the whole
    /// delivery with 503, nothing stored: HubSpot delivers it again later (docs/customers.md §11).
    private func readContacts(_ batch: HubSpotBatch) -> Result<[String: [CustomerField: String]?]?, Problem> {
        guard let reader = configuration.customers.hubSpotContacts else { return .success(nil) }
        let ids = batch.events.compactMap(\.contactToRead)
        guard !ids.isEmpty else { return .success([:]) }
        switch reader.readContacts(ids) {
        case .contacts(let read): return .success(read)
        case .unavailable(let reason):
            eventMetrics.count("hubspot", "failed")
            logger.warning("HubSpot contacts could not be read", metadata: ["reason": .string(reason)])
            var problem = Problem(
                status: 503,
                detail: "the contacts this delivery names could not be read from HubSpot (\(reason)): nothing of it "
                    + "was stored; HubSpot delivers it again")
            problem.headers = [("Retry-After", "60")]
            return .failure(problem)
        }
    }

    /// ordersync_source_events_total's outcome of a HubSpot event.
    static func metricOutcome(_ outcome: CRMEvent.Outcome) -> String {
        switch outcome {
        case .applied: "applied"
        case .unchanged, .stale: "unchanged"
        case .echo, .unlinked, .ignored: "ignored"
        case .duplicate: "duplicate"
        }
    }
}
