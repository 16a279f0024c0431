import OrderCore

/// What Salesforce's answers say (docs/customers.md §7). A collection upsert answers
/// 200 even when records failed: every element is read, in the order of the records sent.
package enum SalesforceAnswer {
    /// Per-record status codes that say "later", not "never".
    package static let transientCodes: Set<String> = [
        "UNABLE_TO_LOCK_ROW", "REQUEST_RUNNING_TOO_LONG", "SERVER_UNAVAILABLE", "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    ]

    /// The outcome of each record of a collection upsert answered 200; `ids` in the order sent. An
    /// answer whose length differs cannot be matched to the records: all transient.
    package static func collectionOutcomes(
        _ response: CRMResponse, ids: [Int64], maxBytes: Int
    ) -> [Int64: CRMOutcome] {
        func all(_ reason: String) -> [Int64: CRMOutcome] {
            Dictionary(ids.map { ($0, .transient(reason: reason, retryAfter: nil)) }) { first, _ in first }
        }
        let results: [JSONValue]
        switch CRMText.json(response.body, maxBytes: maxBytes) {
        case .failure(let problem): return all("unreadable \(response.status) answer: \(problem.reason)")
        case .success(.array(let elements)): results = elements
        case .success(let other): return all("unreadable \(response.status) answer: \(other.typeName), not an array")
        }
        guard results.count == ids.count else {
            return all("Salesforce answered \(results.count) results for \(ids.count) records")
        }
        var outcomes: [Int64: CRMOutcome] = [:]
        for (id, element) in zip(ids, results) {
            guard case .object(let result) = element else {
                outcomes[id] = .transient(reason: "unreadable result: \(element.typeName)", retryAfter: nil)
                continue
            }
            if result["success"] == .bool(true) {
                outcomes[id] = .delivered(remoteID: CRMText.string(result["id"], limit: 64))
                continue
            }
            let refusal = refusal(result["errors"], status: response.status, codeKey: "statusCode")
            let codes = refusal.code.split(separator: ",").map(String.init)
            let transient = !codes.isEmpty && codes.allSatisfy { transientCodes.contains($0) }
            outcomes[id] = transient ? .transient(reason: refusal.description, retryAfter: nil) : .permanent(refusal)
        }
        return outcomes
    }

    /// The refusal of a whole-request error answer: `[{"message":…,"errorCode":…}]` (an object alone
    /// also read); its first bytes as text when it is no JSON.
    package static func refusal(_ response: CRMResponse, maxBytes: Int) -> CRMRefusal {
        switch CRMText.json(response.body, maxBytes: maxBytes) {
        case .success(.array(let list)): return refusal(.array(list), status: response.status, codeKey: "errorCode")
        case .success(.object(let error)):
            return refusal(.array([.object(error)]), status: response.status, codeKey: "errorCode")
        default:
            let text = String(decoding: response.body.prefix(300), as: UTF8.self)
            return CRMRefusal(status: response.status, code: "HTTP_\(response.status)", message: text)
        }
    }

    /// The first error code of a whole-request error answer (`INVALID_SESSION_ID`, `REQUEST_LIMIT_EXCEEDED`).
    package static func errorCode(_ response: CRMResponse, maxBytes: Int) -> String? {
        let refusal = refusal(response, maxBytes: maxBytes)
        return refusal.code.hasPrefix("HTTP_") ? nil : refusal.code.split(separator: ",").first.map(String.init)
    }

    /// Codes (comma-separated, the first three) and messages (`; `) of a list of error objects; the
    /// fields named, when given, end the message.
    static func refusal(_ errors: JSONValue?, status: Int, codeKey: String) -> CRMRefusal {
        guard case .array(let list)? = errors, !list.isEmpty else {
            return CRMRefusal(status: status, code: "UNKNOWN", message: "refused without an error")
        }
        var codes: [String] = []
        var messages: [String] = []
        for error in list.prefix(3) {
            codes.append(CRMText.string(error[codeKey], limit: 64) ?? "UNKNOWN")
            var message = CRMText.string(error["message"], limit: 200) ?? ""
            if case .array(let fields)? = error["fields"], !fields.isEmpty {
                let names = fields.prefix(5).compactMap { CRMText.string($0, limit: 64) }
                message += " (fields: \(names.joined(separator: ", ")))"
            }
            messages.append(message)
        }
        return CRMRefusal(status: status, code: codes.joined(separator: ","), message: messages.joined(separator: "; "))
    }
}
