/// Pushes customer states to HubSpot contacts (docs/customers.md §6, with the facts and
/// their sources): batch upserts keyed by email with one trace id per input, deletes by email,
/// and every answer turned into an outcome per delivery or a pause of the whole CRM.
package final class HubSpotPusher: Sendable {
    package let configuration: HubSpotConfiguration
    let exchange: CRMExchange

    package init(
        configuration: HubSpotConfiguration, transport: any CRMTransport, clock: any CRMClock,
        limiter: CRMRateLimiter.Configuration = .hubSpot
    ) {
        self.configuration = configuration
        self.exchange = CRMExchange(
            transport: transport, clock: clock, limiter: CRMRateLimiter(limiter), limits: configuration.limits)
    }

    /// The rate limiter as it stands.
    package var limiterState: CRMRateLimiter { exchange.limiterState }

    /// Pushes `deliveries` (at most one per customer: anything else throws before a byte is sent).
    /// Upserts go in batches of `batchSize`; deletes one request each. A delivery whose email another
    /// one of this call already has is left unsent (HubSpot would see one contact twice in a batch, in
    /// no defined order); so is everything after a pause.
    package func push(_ deliveries: [CRMDelivery]) async throws(CRMPushError) -> CRMPushResult {
        try CRMPushError.checkOneDeliveryPerCustomer(deliveries)
        var result = CRMPushResult()
        var inputs: [HubSpotInput] = []
        var deletes: [(delivery: CRMDelivery, key: String)] = []
        var keys: Set<String> = []
        for delivery in deliveries {
            guard let key = delivery.hubSpotKey else {
                result.outcomes[delivery.id] = .permanent(
                    CRMRefusal(status: nil, code: "NO_EMAIL", message: "no email: HubSpot finds a contact by its email")
                )
                continue
            }
            guard keys.insert(key).inserted else { continue }
            if let customer = delivery.customer {
                inputs.append(HubSpotInput(delivery: delivery, customer: customer, key: key))
            } else {
                deletes.append((delivery, key))
            }
        }
        var start = 0
        while start < inputs.count, result.pause == nil {
            let end = min(start + configuration.batchSize, inputs.count)
            await upsert(Array(inputs[start..<end]), into: &result)
            start = end
        }
        for (delivery, key) in deletes where result.pause == nil {
            await delete(delivery, key: key, into: &result)
        }
        return result
    }

    /// One batch upsert. A 400 for the whole batch can come from one bad input, so a batch of several is
    /// split and each input sent alone: the bad one gets its refusal, the others go through.
    private func upsert(_ batch: [HubSpotInput], into result: inout CRMPushResult) async {
        let ids = batch.map(\.delivery.id)
        guard let response = await send(HubSpotRequests.upsert(batch, configuration), ids: ids, into: &result) else {
            return
        }
        switch response.status {
        case 200, 207:
            let outcomes = HubSpotAnswer.batchOutcomes(
                response, inputs: batch, maxBytes: configuration.limits.maxAnswerBytes)
            for (id, outcome) in outcomes { result.outcomes[id] = outcome }
        case 404, 405:
            result.pause = CRMPause(
                reason:
                    "HubSpot has no batch upsert at \(HubSpotRequests.upsertPath) (\(response.status)): check the base URL",
                seconds: configuration.limits.authPause)
        case 400...499 where batch.count > 1:
            for input in batch where result.pause == nil {
                await upsert([input], into: &result)
            }
        case 400...499:
            let refusal = HubSpotAnswer.refusal(response, maxBytes: configuration.limits.maxAnswerBytes)
            result.settle(ids, .permanent(refusal))
        default:
            result.settle(ids, .transient(reason: "unexpected status \(response.status)", retryAfter: nil))
        }
    }

    /// One delete by email; a contact already gone (404) is a delivered delete.
    private func delete(_ delivery: CRMDelivery, key: String, into result: inout CRMPushResult) async {
        let ids = [delivery.id]
        guard let response = await send(HubSpotRequests.delete(key: key, configuration), ids: ids, into: &result) else {
            return
        }
        switch response.status {
        case 200, 204, 404: result.settle(ids, .delivered(remoteID: nil))
        case 400...499:
            let refusal = HubSpotAnswer.refusal(response, maxBytes: configuration.limits.maxAnswerBytes)
            result.settle(ids, .permanent(refusal))
        default:
            result.settle(ids, .transient(reason: "unexpected status \(response.status)", retryAfter: nil))
        }
    }

    /// Sends and settles what every request's answer means alike: no answer and 5xx are transient, 401
    /// and 403 pause the CRM (the token is refused or lacks a scope: every record would fail alike, and
    /// dead-lettering them all would be wrong), 429 follows its policy. Returns the answer for the
    /// caller to read otherwise.
    private func send(_ request: CRMRequest, ids: [Int64], into result: inout CRMPushResult) async -> CRMResponse? {
        guard let response = await exchange.send(request, settling: ids, into: &result) else { return nil }
        let limits = configuration.limits
        switch response.status {
        case 401:
            result.pause = CRMPause(reason: "HubSpot refused the token (401)", seconds: limits.authPause)
        case 403:
            let refusal = HubSpotAnswer.refusal(response, maxBytes: limits.maxAnswerBytes)
            result.pause = CRMPause(
                reason: "HubSpot refused the request (403; does the token have the contacts write scope?): \(refusal)",
                seconds: limits.authPause)
        case 429:
            rateLimited(response, ids: ids, into: &result)
        case 500...599:
            result.settle(
                ids, .transient(reason: "HubSpot answered \(response.status)", retryAfter: limits.retryAfter(response)))
        default:
            return response
        }
        return nil
    }

    /// A 429 by its policy (docs/customers.md §8): `DAILY` pauses the CRM, any other retries these
    /// deliveries after the window (`holdBack`).
    private func rateLimited(_ response: CRMResponse, ids: [Int64], into result: inout CRMPushResult) {
        let (seconds, daily, policy) = holdBack(after: response)
        if daily {
            result.pause = CRMPause(reason: "HubSpot's daily limit is spent (429 DAILY)", seconds: seconds)
        } else {
            result.settle(ids, .transient(reason: "rate limited (429 \(policy ?? "without a policy"))", retryAfter: seconds))
        }
    }

    /// Holds every request back after a 429: `DAILY` until the account's midnight (or Retry-After); any
    /// other policy (`TEN_SECONDLY_ROLLING`) for the window: Retry-After, else the window the headers
    /// name, else 10 s. Returns how long, whether the day's quota is spent, and the policy as sent.
    func holdBack(after response: CRMResponse) -> (seconds: Double, daily: Bool, policy: String?) {
        let limits = configuration.limits
        let now = exchange.now()
        let policy = HubSpotAnswer.policyName(response, maxBytes: limits.maxAnswerBytes)
        let retryAfter = limits.retryAfter(response)
        if policy == "DAILY" {
            let utcOffset = exchange.limiterState.configuration.utcOffset
            let seconds = retryAfter ?? (CRMRateLimiter.nextMidnight(after: now, utcOffset: utcOffset) - now)
            exchange.block(until: now + seconds, reason: "HubSpot's daily limit is spent")
            return (seconds, true, policy)
        }
        let window = retryAfter ?? CRMLimitHeaders.hubSpotInterval(response.headers) ?? 10
        exchange.block(until: now + window, reason: "HubSpot rate limited (429 \(policy ?? "without a policy"))")
        return (window, false, policy)
    }
}
