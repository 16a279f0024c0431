import Connectors
package import CRMPush

/// The pushers' transport on the connectors' URLSession transport (Sources/Connectors/URLSessionTransport.swift):
/// TLS and HTTP/1.1 from libcurl through Foundation, the answer's size bounded.
package struct CRMTransportAdapter: CRMTransport {
    let base: URLSessionTransport

    package init(maxResponseBytes: Int) {
        base = URLSessionTransport(maxResponseBytes: maxResponseBytes)
    }

    package func send(_ request: CRMRequest, timeout: Double) async throws(CRMTransportError) -> CRMResponse {
        let provider = ProviderRequest(
            method: request.method, url: request.url, headers: request.headers.map { ($0.name, $0.value) },
            body: request.body)
        do {
            let answer = try await base.send(provider, timeout: timeout)
            return CRMResponse(status: answer.status, headers: answer.headers, body: answer.body)
        } catch {
            throw CRMTransportError(error.description)
        }
    }

    /// Ends the session (its connections close).
    package func close() { base.close() }
}
