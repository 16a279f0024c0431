import HTTPServer

/// The fake CRMs' endpoints and their control endpoints, routed by `FakeProvidersService` as
/// `Endpoint.crm`.
enum CRMEndpoint: Sendable {
    case hubSpotUpsert, hubSpotRead, hubSpotBatchRead, hubSpotArchive
    case salesforceToken, salesforceUpsert, salesforceDelete
    case requests, contacts, reset

    /// HubSpot's paths sit under `/hubspot` (a client's `HUBSPOT_API_URL=http://127.0.0.1:PORT/hubspot`),
    /// and also without it: `/crm/v3/objects/…` has more segments than Zoho's `/crm/{version}/{module}`,
    /// so the two never match the same path.
    static let hubSpotPrefixes = ["/hubspot", ""]

    var provider: Provider? {
        switch self {
        case .hubSpotUpsert, .hubSpotRead, .hubSpotBatchRead, .hubSpotArchive: .hubspot
        case .salesforceToken: .salesforceToken
        case .salesforceUpsert, .salesforceDelete: .salesforce
        case .requests, .contacts, .reset: nil
        }
    }

    /// The endpoint's name in statistics.
    var name: String {
        switch self {
        case .hubSpotUpsert, .salesforceUpsert: "upsert"
        case .hubSpotRead: "contact"
        case .hubSpotBatchRead: "batch_read"
        case .hubSpotArchive: "archive"
        case .salesforceToken: "token"
        case .salesforceDelete: "delete"
        case .requests, .contacts, .reset: "control"
        }
    }

    /// Adds every CRM route, wrapped by `wrap` into the service's endpoint type.
    static func addRoutes<Endpoint: Sendable>(to router: inout Router<Endpoint>, _ wrap: (CRMEndpoint) -> Endpoint) {
        for prefix in hubSpotPrefixes {
            let contacts = prefix + "/crm/v3/objects/contacts"
            router.add("POST", contacts + "/batch/upsert", wrap(.hubSpotUpsert))
            router.add("POST", contacts + "/batch/read", wrap(.hubSpotBatchRead))
            router.add("GET", contacts + "/{contactId}", wrap(.hubSpotRead))
            router.add("DELETE", contacts + "/{contactId}", wrap(.hubSpotArchive))
        }
        router.add("POST", "/services/oauth2/token", wrap(.salesforceToken))
        router.add("PATCH", "/services/data/{version}/composite/sobjects/{sobject}/{field}", wrap(.salesforceUpsert))
        router.add("DELETE", "/services/data/{version}/sobjects/{sobject}/{field}/{value}", wrap(.salesforceDelete))
        router.add("GET", "/_fake/crm/requests", wrap(.requests))
        router.add("GET", "/_fake/crm/contacts", wrap(.contacts))
        router.add("POST", "/_fake/crm/reset", wrap(.reset))
    }
}
