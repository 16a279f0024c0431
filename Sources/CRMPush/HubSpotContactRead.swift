package import OrderCore

/// What a read of HubSpot contacts gave (docs/customers.md §11): a creation, a restore or a merge
/// webhook names a contact whose properties it does not carry.
package enum HubSpotContactRead: Sendable, Equatable {
    /// Each id asked for: the contact's customer fields as HubSpot holds them now, or nil when HubSpot
    /// has no live contact with that id (archived, merged into another, never there).
    case contacts([String: [CustomerField: String]?])
    /// Nothing usable, for this reason: no answer, 5xx, 429, 401/403, an unreadable answer, or a
    /// limiter wait longer than the caller may spend. Transient: the caller asks again later.
    case unavailable(String)
}

extension HubSpotPusher {
    /// Contact ids per batch read: HubSpot's batch cap, as for upserts.
    package static let maxReadBatch = 100

    /// Reads contacts by id with batch reads of at most 100, through this pusher's limiter (reads and
    /// pushes spend one quota). `timeout` bounds each request and `maxWait` the limiter's wait, so a
    /// webhook still answers within HubSpot's 5 s (docs/realtime.md §5).
    package func readContacts(_ ids: [String], timeout: Double, maxWait: Double) async -> HubSpotContactRead {
        var unique: [String] = []
        var seen: Set<String> = []
        for id in ids where seen.insert(id).inserted { unique.append(id) }
        var contacts: [String: [CustomerField: String]?] = [:]
        var start = 0
        while start < unique.count {
            let chunk = Array(unique[start..<min(start + Self.maxReadBatch, unique.count)])
            start += chunk.count
            let request = HubSpotRequests.read(chunk, configuration)
            switch await exchange.send(request, timeout: timeout, maxWait: maxWait) {
            case .mustWait(let pause): return .unavailable(pause.reason)
            case .failed(let reason): return .unavailable(reason)
            case .answer(let response):
                let limits = configuration.limits
                switch response.status {
                case 200, 207:
                    switch HubSpotAnswer.readContacts(response, maxBytes: limits.maxAnswerBytes) {
                    case .failure(let problem): return .unavailable(problem.reason)
                    case .success(let found):
                        for id in chunk { contacts[id] = .some(found[id]) }
                    }
                case 429:
                    let (seconds, _, policy) = holdBack(after: response)
                    return .unavailable(
                        "HubSpot rate limited the read (429 \(policy ?? "without a policy")); no request for \(Int(seconds.rounded(.up))) s")
                default:
                    let refusal = HubSpotAnswer.refusal(response, maxBytes: limits.maxAnswerBytes)
                    return .unavailable("HubSpot refused the read: \(refusal)")
                }
            }
        }
        return .contacts(contacts)
    }
}

extension HubSpotAnswer {
    /// The live contacts of a batch read answered 200 or 207, by id: an id the answer does not list is
    /// no live contact (HubSpot names it in a 207's `OBJECT_NOT_FOUND` error, or leaves it out). An
    /// error of a transient category (`transientCategories`) makes the answer unusable: that contact
    /// may well exist.
    package static func readContacts(
        _ response: CRMResponse, maxBytes: Int
    ) -> Result<[String: [CustomerField: String]], CRMText.AnswerProblem> {
        let body: JSONObject
        switch CRMText.json(response.body, maxBytes: maxBytes) {
        case .failure(let problem): return .failure(CRMText.AnswerProblem("unreadable \(response.status) answer: \(problem.reason)"))
        case .success(.object(let object)): body = object
        case .success(let other):
            return .failure(CRMText.AnswerProblem("unreadable \(response.status) answer: \(other.typeName), not an object"))
        }
        switch body["errors"] {
        case .array(let errors)?:
            for case .object(let error) in errors {
                let category = CRMText.string(error["category"], limit: 100) ?? ""
                if transientCategories.contains(category) {
                    return .failure(CRMText.AnswerProblem("HubSpot could not read every contact: \(refusal(error, status: response.status))"))
                }
            }
        case nil, .null?: break
        case let other?: return .failure(CRMText.AnswerProblem("unreadable \(response.status) answer: errors is \(other.typeName)"))
        }
        var contacts: [String: [CustomerField: String]] = [:]
        switch body["results"] {
        case .array(let results)?:
            for case .object(let result) in results {
                guard let id = CRMText.string(result["id"], limit: 32), result["archived"] != .bool(true),
                    case .object(let properties)? = result["properties"]
                else { continue }
                contacts[id] = CRMFieldMap.customerFields(hubSpotProperties: properties)
            }
        case nil, .null?: break
        case let other?: return .failure(CRMText.AnswerProblem("unreadable \(response.status) answer: results is \(other.typeName)"))
        }
        return .success(contacts)
    }
}
