package import OrderCore
package import SyncCore

/// One page a connector fetched, and where the next one starts.
package struct Page: Sendable {
    package var records: [SourceRecord] = []
    /// Rows for orders_raw (Shopify orders), in the same transaction as the records.
    package var orders: [Order] = []
    /// Records that could not be read and were skipped (their problems are logged).
    package var invalid: [String] = []
    /// The position of the next page (the connector's own JSON object); nil when this was the last.
    package var next: JSONValue?

    package init() {}
}

/// A provider API read page by page. Positions are small JSON objects the engine saves in
/// sync_state.resume with each page, so a run that died resumes at the page after the last stored one.
package protocol Connector: AnyObject {
    /// `shopify`, `zoho`, `customers`: the source name in source_records and sync_state.
    var name: String { get }
    /// Requests and retries made so far (for the run summary).
    var requests: Int { get }
    var retries: Int { get }
    /// Where a run starts: records changed at or after `cursor` (nil: everything).
    func firstPosition(cursor: String?) -> JSONValue
    /// Fetches the page at `position`.
    func fetch(_ position: JSONValue) async throws(SyncFailure) -> Page
}

extension Connector {
    /// Parses a provider's JSON body, failing with the request's path.
    func parseBody(_ response: ProviderResponse, _ request: ProviderRequest, client: ProviderClient)
        throws(SyncFailure) -> JSONValue
    {
        do {
            return try JSONParser.parse(response.body)
        } catch {
            throw client.failure(request, status: response.status, "response is not JSON: \(error.description)")
        }
    }

    /// A failure for a status the connector cannot go on from (401, 403, 404, 400, …).
    func unexpected(_ response: ProviderResponse, _ request: ProviderRequest, client: ProviderClient) -> SyncFailure {
        client.failure(request, status: response.status, "unexpected HTTP status \(response.status)")
    }
}
