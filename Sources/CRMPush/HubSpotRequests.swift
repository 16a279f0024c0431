package import OrderCore
import SyncCore

/// One upsert input: the delivery, the state it carries and its key (the lower-cased email).
package struct HubSpotInput: Sendable, Equatable {
    package let delivery: CRMDelivery
    package let customer: Customer
    package let key: String
}

/// The requests HubSpot gets (docs/customers.md §6). Bodies are canonical JSON written by
/// OrderCore's JSONWriter: members in byte order, so equal batches are equal bytes.
package enum HubSpotRequests {
    package static let upsertPath = "/crm/v3/objects/contacts/batch/upsert"
    package static let contactsPath = "/crm/v3/objects/contacts/"

    /// `POST /crm/v3/objects/contacts/batch/upsert` for `inputs` (at most 100, one per key).
    package static func upsert(_ inputs: [HubSpotInput], _ configuration: HubSpotConfiguration) -> CRMRequest {
        CRMRequest(
            method: "POST", url: configuration.baseURL + upsertPath,
            headers: headers(configuration) + [CRMHeader("Content-Type", "application/json")],
            body: upsertBody(inputs))
    }

    /// `{"inputs":[{"id":<email>,"idProperty":"email","objectWriteTraceId":"<delivery id>",
    /// "properties":{…}}, …]}`: the trace id lets a 207 name each input's fate.
    package static func upsertBody(_ inputs: [HubSpotInput]) -> [UInt8] {
        let elements: [JSONValue] = inputs.map { input in
            .object([
                "id": .string(input.key),
                "idProperty": .string("email"),
                "objectWriteTraceId": .string(String(input.delivery.id)),
                "properties": .object(CRMFieldMap.hubSpotProperties(input.customer)),
            ])
        }
        return JSONWriter.canonical(.object(["inputs": .array(elements)]))
    }

    /// `DELETE /crm/v3/objects/contacts/{email}?idProperty=email` (the email percent-encoded).
    package static func delete(key: String, _ configuration: HubSpotConfiguration) -> CRMRequest {
        CRMRequest(
            method: "DELETE",
            url: configuration.baseURL + contactsPath + QueryString.escape(key) + "?idProperty=email",
            headers: headers(configuration))
    }

    package static let readPath = "/crm/v3/objects/contacts/batch/read"

    /// `POST /crm/v3/objects/contacts/batch/read` for contact ids (at most 100): `{"inputs":[{"id":…}, …],
    /// "properties":[every mapped property]}` (docs/customers.md §11).
    package static func read(_ ids: [String], _ configuration: HubSpotConfiguration) -> CRMRequest {
        let properties = CRMFieldMap.hubSpotProperties.map(\.property) + [CRMFieldMap.hubSpotAddressProperty]
        let body = JSONWriter.canonical(
            .object([
                "inputs": .array(ids.map { .object(["id": .string($0)]) }),
                "properties": .array(properties.map(JSONValue.string)),
            ]))
        return CRMRequest(
            method: "POST", url: configuration.baseURL + readPath,
            headers: headers(configuration) + [CRMHeader("Content-Type", "application/json")], body: body)
    }

    static func headers(_ configuration: HubSpotConfiguration) -> [CRMHeader] {
        [CRMHeader("Authorization", "Bearer \(configuration.token)"), CRMHeader("Accept", "application/json")]
    }
}
