import HTTPServer
import OrderCore

/// HubSpot CRM v3 contacts (docs/customers.md §6, docs/providers.md §4): `POST …/contacts/batch/upsert`,
/// `POST …/contacts/batch/read`, `GET` and `DELETE …/contacts/{id}` (`?idProperty=email`), behind a
/// private-app bearer token and the rolling ten-second and daily limits, whose seven headers every
/// authenticated answer carries.
extension FakeProvidersService {
    /// Names a read may ask for with `properties=`.
    static let hubSpotMaxReadProperties = 100

    func hubSpot(_ endpoint: CRMEndpoint, _ request: HTTPRequest) -> CRMAnswer {
        guard Self.bearer(request) == configuration.hubspot.token else {
            // No account is known without a token: no limit headers, no request counted.
            let correlation = state.withLock { $0.crm.correlationID() }
            return CRMAnswer(Refusal.hubSpotUnauthenticated(correlationID: correlation))
        }
        let now = clock.monotonicSeconds()
        let (policy, correlation) = state.withLock { ($0.crm.hubSpotLimits.take(now: now), $0.crm.correlationID()) }
        var answer: CRMAnswer
        if let policy {
            answer = CRMAnswer(Refusal.hubSpotRateLimited(policy, correlationID: correlation))
        } else {
            switch endpoint {
            case .hubSpotUpsert: answer = hubSpotUpsert(request, correlation: correlation)
            case .hubSpotRead: answer = hubSpotRead(request, correlation: correlation)
            case .hubSpotBatchRead: answer = hubSpotBatchRead(request, correlation: correlation)
            default: answer = hubSpotArchive(request, correlation: correlation)
            }
        }
        let headers = state.withLock { $0.crm.hubSpotLimits.headers(now: now) }
        for (name, value) in headers { answer.response.headers.set(name, value) }
        return answer
    }

    private func hubSpotUpsert(_ request: HTTPRequest, correlation: String) -> CRMAnswer {
        let inputs: [HubSpotUpsertInput]
        do throws(HubSpotUpsertInput.Invalid) {
            inputs = try HubSpotUpsertInput.decode(request.body)
        } catch {
            return CRMAnswer(
                Refusal.hubSpotValidation(error.message, correlationID: correlation), recordCount: error.inputs)
        }
        let milliseconds = clock.wallSeconds() * 1_000
        let batch = state.withLock { state in
            HubSpotUpsert(
                inputs, contacts: &state.crm.hubSpot, writable: state.crm.hubSpotProperties, at: milliseconds)
        }
        let time = JSONValue.string(HubSpotContact.time(milliseconds))
        var members: [(String, JSONValue)] = [
            ("status", .string("COMPLETE")), ("results", .array(batch.results.map(\.json))), ("requestedAt", time),
            ("startedAt", time), ("completedAt", time), ("links", JSON.object([])),
        ]
        if !batch.errors.isEmpty {
            members += [("numErrors", JSON.int(batch.errors.count)), ("errors", .array(batch.errors))]
        }
        return CRMAnswer(
            JSON.response(batch.errors.isEmpty ? 200 : 207, JSON.object(members)), recordCount: inputs.count,
            records: batch.logged)
    }

    private func hubSpotRead(_ request: HTTPRequest, correlation: String) -> CRMAnswer {
        do throws(Refusal) {
            let (query, find) = try hubSpotLookup(request, correlation: correlation)
            let names = query["properties"].map { list in
                Array(list.split(separator: ",").map(String.init).prefix(Self.hubSpotMaxReadProperties))
            }
            guard let contact = state.withLock({ find($0.crm.hubSpot) }) else {
                throw Refusal.hubSpotNotFound(correlationID: correlation)
            }
            return CRMAnswer(
                JSON.response(200, contact.json(properties: names ?? HubSpotContact.defaultReadProperties)))
        } catch {
            return CRMAnswer(error)
        }
    }

    /// Archives a contact: 204, or 404 when there is none (HubSpot's own answer for an unknown id is
    /// UNCONFIRMED; docs/fake-providers.md).
    private func hubSpotArchive(_ request: HTTPRequest, correlation: String) -> CRMAnswer {
        do throws(Refusal) {
            let (_, find) = try hubSpotLookup(request, correlation: correlation)
            let key = (request.parameters["contactId"]).map(CRMEmail.key) ?? ""
            let archived = state.withLock { state in
                guard let contact = find(state.crm.hubSpot) else { return false }
                return state.crm.hubSpot.archive(email: contact.email)
            }
            let record = CRMRequestLog.Record(key: key, content: nil, outcome: archived ? "deleted" : "not_found")
            guard archived else {
                return CRMAnswer(
                    Refusal.hubSpotNotFound(correlationID: correlation).response, recordCount: 1, records: [record])
            }
            return CRMAnswer(HTTPResponse(status: 204), recordCount: 1, records: [record])
        } catch {
            return CRMAnswer(error)
        }
    }

    /// The query and how to find the contact: by email with `idProperty=email`, else by object id.
    private func hubSpotLookup(_ request: HTTPRequest, correlation: String) throws(Refusal)
        -> (QueryString, @Sendable (HubSpotContacts) -> HubSpotContact?)
    {
        let id = request.parameters["contactId"] ?? ""
        guard let query = QueryString(request.head.query) else {
            throw Refusal.hubSpotValidation("Invalid query string", correlationID: correlation)
        }
        switch query["idProperty"] {
        case nil: return (query, { contacts in Int(id).flatMap { contacts.contact(id: $0) } })
        case "email"?:
            let key = CRMEmail.key(id)
            return (query, { $0.byEmail[key] })
        case let other?:
            throw Refusal.hubSpotValidation(
                "idProperty \(other) is not a unique property of contacts in this fake", correlationID: correlation)
        }
    }

    /// The token of `Authorization: Bearer <token>`, nil without one.
    static func bearer(_ request: HTTPRequest) -> String? {
        guard let header = request.headers["authorization"], header.count > 7,
            header.prefix(7).lowercased() == "bearer "
        else { return nil }
        return String(header.dropFirst(7)).trimmingCharacters(in: " ")
    }
}
