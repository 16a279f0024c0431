import OrderCore

/// Pushes customer states to Salesforce Contacts (docs/customers.md §7, with the facts and
/// their sources): sObject Collections upserts by the external id field holding the customer
/// id, deletes by the same field, a client-credentials token fetched once and again after a 401.
package final class SalesforcePusher: Sendable {
    package let configuration: SalesforceConfiguration
    let exchange: CRMExchange
    package let tokens: SalesforceTokens

    package init(
        configuration: SalesforceConfiguration, transport: any CRMTransport, clock: any CRMClock,
        limiter: CRMRateLimiter.Configuration = .salesforce
    ) {
        self.configuration = configuration
        self.exchange = CRMExchange(
            transport: transport, clock: clock, limiter: CRMRateLimiter(limiter), limits: configuration.limits)
        self.tokens = SalesforceTokens(configuration: configuration, exchange: exchange)
    }

    /// The rate limiter as it stands.
    package var limiterState: CRMRateLimiter { exchange.limiterState }

    /// Pushes `deliveries` (at most one per customer: anything else throws before a byte is sent).
    /// Upserts go in collections of `batchSize`; deletes one request each; everything after a pause is
    /// left unsent.
    package func push(_ deliveries: [CRMDelivery]) async throws(CRMPushError) -> CRMPushResult {
        try CRMPushError.checkOneDeliveryPerCustomer(deliveries)
        var result = CRMPushResult()
        var upserts: [(delivery: CRMDelivery, customer: Customer)] = []
        var deletes: [CRMDelivery] = []
        for delivery in deliveries {
            if let customer = delivery.customer {
                upserts.append((delivery, customer))
            } else {
                deletes.append(delivery)
            }
        }
        var start = 0
        while start < upserts.count, result.pause == nil {
            let end = min(start + configuration.batchSize, upserts.count)
            await upsert(Array(upserts[start..<end]), into: &result)
            start = end
        }
        for delivery in deletes where result.pause == nil {
            await delete(delivery, into: &result)
        }
        return result
    }

    /// One collection upsert. Its 200 carries a result per record, in order; a 400 for the whole request
    /// (a malformed record) is answered by sending each record alone, so only the bad one is refused.
    private func upsert(
        _ batch: [(delivery: CRMDelivery, customer: Customer)], into result: inout CRMPushResult
    ) async {
        let ids = batch.map(\.delivery.id)
        let response = await send(ids: ids, into: &result) { session in
            SalesforceRequests.upsert(batch, session, self.configuration)
        }
        guard let response else { return }
        switch response.status {
        case 200:
            let outcomes = SalesforceAnswer.collectionOutcomes(
                response, ids: ids, maxBytes: configuration.limits.maxAnswerBytes)
            for (id, outcome) in outcomes { result.outcomes[id] = outcome }
        case 404, 405:
            let refusal = SalesforceAnswer.refusal(response, maxBytes: configuration.limits.maxAnswerBytes)
            result.pause = CRMPause(
                reason: "Salesforce has no Contact upsert by \(configuration.externalIDField) (\(refusal)): "
                    + "check the API version and the external id field",
                seconds: configuration.limits.authPause)
        case 300...499 where batch.count > 1:
            for record in batch where result.pause == nil {
                await upsert([record], into: &result)
            }
        case 300...499:
            result.settle(ids, .permanent(refusal(response)))
        default:
            result.settle(ids, .transient(reason: "unexpected status \(response.status)", retryAfter: nil))
        }
    }

    /// One delete by external id; a Contact already gone (404) is a delivered delete, several with the
    /// id (300) a refusal (nothing was deleted, and retrying changes nothing).
    private func delete(_ delivery: CRMDelivery, into result: inout CRMPushResult) async {
        let ids = [delivery.id]
        let response = await send(ids: ids, into: &result) { session in
            SalesforceRequests.delete(customerID: delivery.customerID, session, self.configuration)
        }
        guard let response else { return }
        switch response.status {
        case 200, 204, 404: result.settle(ids, .delivered(remoteID: nil))
        case 300...499: result.settle(ids, .permanent(refusal(response)))
        default: result.settle(ids, .transient(reason: "unexpected status \(response.status)", retryAfter: nil))
        }
    }

    private func refusal(_ response: CRMResponse) -> CRMRefusal {
        if response.status == 300 {
            return CRMRefusal(
                status: 300, code: "MULTIPLE_CHOICES",
                message: "several Contacts have this \(configuration.externalIDField); nothing was written")
        }
        return SalesforceAnswer.refusal(response, maxBytes: configuration.limits.maxAnswerBytes)
    }

    /// Sends the request `build` makes with a session, and settles what every answer means alike: no
    /// token or no answer and 5xx/429 are transient, a refused token is replaced and the request replayed
    /// once (a second 401 pauses the CRM), 403 pauses it (`REQUEST_LIMIT_EXCEEDED`: the org's daily quota;
    /// anything else: the app lacks a permission). Returns the answer for the caller to read otherwise.
    private func send(
        ids: [Int64], into result: inout CRMPushResult, _ build: (SalesforceSession) -> CRMRequest
    ) async -> CRMResponse? {
        let limits = configuration.limits
        for replay in [false, true] {
            let session: SalesforceSession
            switch await tokens.session() {
            case .session(let current): session = current
            case .refused(let reason):
                result.pause = CRMPause(reason: reason, seconds: limits.authPause)
                return nil
            case .unavailable(let reason):
                result.settle(ids, .transient(reason: reason, retryAfter: nil))
                return nil
            }
            guard let response = await exchange.send(build(session), settling: ids, into: &result) else { return nil }
            let code = SalesforceAnswer.errorCode(response, maxBytes: limits.maxAnswerBytes)
            switch response.status {
            case 401:
                tokens.invalidate(session)
                if !replay { continue }
                result.pause = CRMPause(
                    reason: "Salesforce refused a fresh token (401 \(code ?? "without a code"))",
                    seconds: limits.authPause)
            case 403 where code == "REQUEST_LIMIT_EXCEEDED":
                let seconds = exchange.limiterState.configuration.quotaPause
                exchange.block(until: exchange.now() + seconds, reason: "Salesforce's daily API quota is spent")
                result.pause = CRMPause(
                    reason: "Salesforce's daily API quota is spent (403 REQUEST_LIMIT_EXCEEDED)", seconds: seconds)
            case 403:
                result.pause = CRMPause(
                    reason: "Salesforce refused the request (403 \(refusal(response)))", seconds: limits.authPause)
            case 429, 500...599:
                result.settle(
                    ids,
                    .transient(
                        reason: "Salesforce answered \(response.status)\(code.map { " \($0)" } ?? "")",
                        retryAfter: limits.retryAfter(response)))
            default:
                return response
            }
            return nil
        }
        return nil
    }
}
