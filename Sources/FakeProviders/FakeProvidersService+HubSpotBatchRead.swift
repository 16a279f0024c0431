import HTTPServer
import OrderCore

/// `POST /crm/v3/objects/contacts/batch/read` (docs/customers.md §11): `{"inputs":[{"id":…}],
/// "properties":[…]}` by object id, at most 100 inputs. Found contacts are `results`; ids with no live
/// contact are one `OBJECT_NOT_FOUND` error naming them in `context.ids`, and the answer is then 207.
extension FakeProvidersService {
    func hubSpotBatchRead(_ request: HTTPRequest, correlation: String) -> CRMAnswer {
        let ids: [String]
        let names: [String]?
        switch Self.batchReadInputs(request.body) {
        case .failure(let refusal):
            return CRMAnswer(Refusal.hubSpotValidation(refusal.message, correlationID: correlation))
        case .success(let read): (ids, names) = read
        }
        let found = state.withLock { state in ids.map { id in Int(id).flatMap { state.crm.hubSpot.contact(id: $0) } } }
        var results: [JSONValue] = []
        var missing: [JSONValue] = []
        for (id, contact) in zip(ids, found) {
            if let contact {
                results.append(contact.json(properties: names ?? HubSpotContact.defaultReadProperties))
            } else {
                missing.append(.string(id))
            }
        }
        let time = JSONValue.string(HubSpotContact.time(clock.wallSeconds() * 1_000))
        var members: [(String, JSONValue)] = [
            ("status", .string("COMPLETE")), ("results", .array(results)), ("startedAt", time), ("completedAt", time),
        ]
        if !missing.isEmpty {
            let error = JSON.object([
                ("status", .string("error")), ("category", .string("OBJECT_NOT_FOUND")),
                ("message", .string("Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.")),
                ("context", JSON.object([("ids", .array(missing))])),
            ])
            members += [("numErrors", JSON.int(1)), ("errors", .array([error]))]
        }
        return CRMAnswer(JSON.response(missing.isEmpty ? 200 : 207, JSON.object(members)), recordCount: ids.count)
    }

    /// The ids and property names of a batch read body, or the validation message refusing it.
    static func batchReadInputs(_ body: [UInt8]) -> Result<([String], [String]?), BatchReadRefusal> {
        guard case .object(let top)? = try? JSONParser.parse(body), case .array(let inputs)? = top["inputs"] else {
            return .failure(BatchReadRefusal("Invalid input JSON: expected an object with an array 'inputs'"))
        }
        guard !inputs.isEmpty, inputs.count <= HubSpotUpsertInput.maxInputs else {
            return .failure(
                BatchReadRefusal("Batch input contains \(inputs.count) inputs; between 1 and \(HubSpotUpsertInput.maxInputs) are allowed"))
        }
        if let idProperty = top["idProperty"], idProperty != .null {
            return .failure(BatchReadRefusal("idProperty is not supported by this fake's batch read: read by object id"))
        }
        var ids: [String] = []
        for (index, input) in inputs.enumerated() {
            guard case .string(let id)? = input["id"], !id.isEmpty else {
                return .failure(BatchReadRefusal("Invalid input JSON at inputs[\(index)]: 'id' must be a string"))
            }
            ids.append(id)
        }
        var names: [String]?
        switch top["properties"] {
        case nil, .null?: names = nil
        case .array(let list)?:
            names = Array(list.compactMap { if case .string(let name) = $0 { name } else { nil } }.prefix(hubSpotMaxReadProperties))
        case _?: return .failure(BatchReadRefusal("Invalid input JSON: 'properties' must be an array of strings"))
        }
        return .success((ids, names))
    }

    struct BatchReadRefusal: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }
}
