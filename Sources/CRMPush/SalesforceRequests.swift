package import OrderCore
import SyncCore

/// An access token and the instance it is good for (client-credentials answer).
package struct SalesforceSession: Sendable, Equatable {
    package let accessToken: String
    /// `instance_url` from the token answer: the API's base, never a hard-coded host.
    package let instanceURL: String
    /// Which fetch made it: a refusal invalidates only the session it refused.
    package let generation: Int
}

/// The requests Salesforce gets (docs/customers.md §7). Bodies are canonical JSON
/// written by OrderCore's JSONWriter.
package enum SalesforceRequests {
    /// `POST {login}/services/oauth2/token` with `grant_type=client_credentials` and the app's key and
    /// secret in a form body (never in the URL, so no log can carry them).
    package static func token(_ configuration: SalesforceConfiguration) -> CRMRequest {
        let form = QueryString.encode([
            ("grant_type", "client_credentials"), ("client_id", configuration.clientID),
            ("client_secret", configuration.clientSecret),
        ])
        return CRMRequest(
            method: "POST", url: configuration.loginURL + "/services/oauth2/token",
            headers: [
                CRMHeader("Content-Type", "application/x-www-form-urlencoded"), CRMHeader("Accept", "application/json"),
            ],
            body: Array(form.utf8))
    }

    /// `PATCH {instance}/services/data/v{version}/composite/sobjects/Contact/{extIdField}`: an sObject
    /// Collections upsert of at most 200 records, `allOrNone: false` so one bad record fails alone.
    package static func upsert(
        _ deliveries: [(delivery: CRMDelivery, customer: Customer)], _ session: SalesforceSession,
        _ configuration: SalesforceConfiguration
    ) -> CRMRequest {
        CRMRequest(
            method: "PATCH",
            url: dataURL(session, configuration) + "/composite/sobjects/Contact/" + configuration.externalIDField,
            headers: headers(session) + [CRMHeader("Content-Type", "application/json")],
            body: upsertBody(deliveries, configuration))
    }

    /// `{"allOrNone":false,"records":[{"<extIdField>":"<customer id>","Email":…,…,"attributes":{"type":"Contact"}}]}`.
    package static func upsertBody(
        _ deliveries: [(delivery: CRMDelivery, customer: Customer)], _ configuration: SalesforceConfiguration
    ) -> [UInt8] {
        let records: [JSONValue] = deliveries.map { delivery, customer in
            var members = CRMFieldMap.salesforceFields(
                customer, customerID: delivery.customerID, externalIDField: configuration.externalIDField)
            members.append(("attributes", .object(["type": .string("Contact")])))
            // The configuration refuses an external id field the mapping also sends: names are distinct.
            guard case .success(let record) = JSONObject.make(members) else { preconditionFailure("duplicate field") }
            return .object(record)
        }
        return JSONWriter.canonical(.object(["allOrNone": .bool(false), "records": .array(records)]))
    }

    /// `DELETE {instance}/services/data/v{version}/sobjects/Contact/{extIdField}/{customer id}`.
    package static func delete(
        customerID: String, _ session: SalesforceSession, _ configuration: SalesforceConfiguration
    ) -> CRMRequest {
        CRMRequest(
            method: "DELETE",
            url: dataURL(session, configuration) + "/sobjects/Contact/" + configuration.externalIDField + "/"
                + QueryString.escape(customerID),
            headers: headers(session))
    }

    static func dataURL(_ session: SalesforceSession, _ configuration: SalesforceConfiguration) -> String {
        "\(session.instanceURL)/services/data/v\(configuration.apiVersion)"
    }

    static func headers(_ session: SalesforceSession) -> [CRMHeader] {
        [CRMHeader("Authorization", "Bearer \(session.accessToken)"), CRMHeader("Accept", "application/json")]
    }
}
