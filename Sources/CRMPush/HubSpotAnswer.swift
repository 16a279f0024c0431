package import OrderCore

/// What HubSpot's answers say, per input (docs/customers.md §6). Results and errors are not
/// documented as index-aligned with the inputs, so each is matched by its `objectWriteTraceId` (the
/// delivery id), else by the email it names; an input neither names stays transient.
package enum HubSpotAnswer {
    /// Error categories that say "later", not "never" (anything else refuses the record).
    package static let transientCategories: Set<String> = ["RATE_LIMITS", "INTERNAL_ERROR", "TIMEOUT"]

    /// The outcome of every input of a batch upsert answered 200 or 207.
    package static func batchOutcomes(
        _ response: CRMResponse, inputs: [HubSpotInput], maxBytes: Int
    ) -> [Int64: CRMOutcome] {
        var byTrace: [String: Int64] = [:]
        var byKey: [String: Int64] = [:]
        for input in inputs {
            byTrace[String(input.delivery.id)] = input.delivery.id
            byKey[input.key] = byKey[input.key] ?? input.delivery.id
        }
        func all(_ reason: String) -> [Int64: CRMOutcome] {
            let outcome = CRMOutcome.transient(reason: reason, retryAfter: nil)
            return Dictionary(inputs.map { ($0.delivery.id, outcome) }) { first, _ in first }
        }
        let body: JSONObject
        switch CRMText.json(response.body, maxBytes: maxBytes) {
        case .failure(let problem): return all("unreadable \(response.status) answer: \(problem.reason)")
        case .success(.object(let object)): body = object
        case .success(let other): return all("unreadable \(response.status) answer: \(other.typeName), not an object")
        }

        var outcomes: [Int64: CRMOutcome] = [:]
        switch body["results"] {
        case .array(let results)?:
            for case .object(let result) in results {
                let email = CRMFieldMap.hubSpotKey(CRMText.string(result["properties"]?["email"], limit: 300))
                guard let id = traceID(result["objectWriteTraceId"], byTrace) ?? email.flatMap({ byKey[$0] }),
                    outcomes[id] == nil
                else { continue }
                outcomes[id] = .delivered(remoteID: CRMText.string(result["id"], limit: 64))
            }
        case nil, .null?: break
        case let other?: return all("unreadable \(response.status) answer: results is \(other.typeName)")
        }

        var unmatched: CRMRefusal?
        switch body["errors"] {
        case .array(let errors)?:
            for case .object(let error) in errors {
                let refusal = refusal(error, status: response.status)
                let targets = targets(of: error, byTrace, byKey)
                if targets.isEmpty { unmatched = unmatched ?? refusal }
                let category = CRMText.string(error["category"], limit: 100) ?? ""
                let outcome: CRMOutcome =
                    transientCategories.contains(category)
                    ? .transient(reason: refusal.description, retryAfter: nil) : .permanent(refusal)
                for id in targets where outcomes[id] == nil { outcomes[id] = outcome }
            }
        case nil, .null?: break
        case let other?: return all("unreadable \(response.status) answer: errors is \(other.typeName)")
        }

        var missing = "HubSpot's \(response.status) answer did not mention this input"
        if let unmatched { missing += "; an error it did not match to an input: \(unmatched)" }
        for input in inputs where outcomes[input.delivery.id] == nil {
            outcomes[input.delivery.id] = .transient(reason: missing, retryAfter: nil)
        }
        return outcomes
    }

    /// The refusal an error object (a whole-request error body, or one of a 207's `errors`) states:
    /// `category`, then `subCategory` and the first detail's `code` when given, and the `message`.
    package static func refusal(_ error: JSONObject, status: Int) -> CRMRefusal {
        var code = [CRMText.string(error["category"], limit: 100) ?? "HTTP_\(status)"]
        if let sub = CRMText.string(error["subCategory"], limit: 100) { code.append(sub) }
        if case .array(let details)? = error["errors"], let first = details.first,
            let detail = CRMText.string(first["code"], limit: 100)
        {
            code.append(detail)
        }
        let message = CRMText.string(error["message"]) ?? "no message"
        return CRMRefusal(status: status, code: code.joined(separator: "/"), message: message)
    }

    /// The refusal a whole-request error answer states; its first bytes as text when it is no JSON object.
    package static func refusal(_ response: CRMResponse, maxBytes: Int) -> CRMRefusal {
        if case .success(.object(let error)) = CRMText.json(response.body, maxBytes: maxBytes) {
            return refusal(error, status: response.status)
        }
        let text = String(decoding: response.body.prefix(300), as: UTF8.self)
        return CRMRefusal(status: response.status, code: "HTTP_\(response.status)", message: text)
    }

    /// A 429's `policyName` (`TEN_SECONDLY_ROLLING`, `DAILY`); nil when the body does not say.
    package static func policyName(_ response: CRMResponse, maxBytes: Int) -> String? {
        guard case .success(let body) = CRMText.json(response.body, maxBytes: maxBytes) else { return nil }
        return CRMText.string(body["policyName"], limit: 64)
    }

    /// The deliveries an error names: its own `objectWriteTraceId`, or a `context` listing trace ids,
    /// ids or emails (HubSpot's `context` maps a name to a list of strings).
    static func targets(of error: JSONObject, _ byTrace: [String: Int64], _ byKey: [String: Int64]) -> [Int64] {
        if let id = traceID(error["objectWriteTraceId"], byTrace) { return [id] }
        guard case .object(let context)? = error["context"] else { return [] }
        var found: [Int64] = []
        for name in ["objectWriteTraceId", "objectWriteTraceIds"] {
            for text in strings(context[name]) { if let id = byTrace[text] { found.append(id) } }
        }
        if !found.isEmpty { return found }
        for name in ["email", "emails", "id", "ids"] {
            for text in strings(context[name]) {
                if let key = CRMFieldMap.hubSpotKey(text), let id = byKey[key] { found.append(id) }
            }
        }
        return found
    }

    private static func traceID(_ value: JSONValue?, _ byTrace: [String: Int64]) -> Int64? {
        CRMText.string(value, limit: 32).flatMap { byTrace[$0] }
    }

    /// A string, or the strings of an array (at most 1,000 looked at).
    private static func strings(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let text)?: return [text]
        case .array(let elements)?: return elements.prefix(1_000).compactMap { CRMText.string($0, limit: 300) }
        default: return []
        }
    }
}
