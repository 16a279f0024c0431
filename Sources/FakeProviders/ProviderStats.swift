import OrderCore

/// Counts of what the fake answered, for tests and the benchmark (`GET /_fake/stats`).
struct ProviderStats: Sendable {
    private struct Counts: Sendable {
        var requests = 0
        var endpoints: [String: Int] = [:]
        var statuses: [Int: Int] = [:]
        var faults: [String: Int] = [:]
    }

    private var counts: [Provider: Counts] = [:]
    var tokensIssued = 0
    var tokenRefusals = 0

    /// One answered (or faulted) request.
    mutating func record(_ provider: Provider, endpoint: String, status: Int?, fault: Fault.Kind? = nil) {
        var entry = counts[provider, default: Counts()]
        entry.requests += 1
        entry.endpoints[endpoint, default: 0] += 1
        if let status { entry.statuses[status, default: 0] += 1 }
        if let fault { entry.faults[fault.rawValue, default: 0] += 1 }
        counts[provider] = entry
    }

    func json(liveTokens: Int, pendingFaults: [Provider: Int]) -> JSONValue {
        var providers: [(String, JSONValue)] = []
        for provider in Provider.allCases {
            let entry = counts[provider] ?? Counts()
            providers.append(
                (
                    provider.rawValue,
                    JSON.object([
                        ("requests", JSON.int(entry.requests)),
                        ("endpoints", JSON.object(entry.endpoints.map { ($0.key, JSON.int($0.value)) })),
                        ("statuses", JSON.object(entry.statuses.map { (String($0.key), JSON.int($0.value)) })),
                        ("rate_limited", JSON.int(entry.statuses[429] ?? 0)),
                        ("faults", JSON.object(entry.faults.map { ($0.key, JSON.int($0.value)) })),
                        ("faults_pending", JSON.int(pendingFaults[provider] ?? 0)),
                    ])
                ))
        }
        return JSON.object([
            ("providers", JSON.object(providers)),
            ("tokens_issued", JSON.int(tokensIssued)),
            ("token_refusals", JSON.int(tokenRefusals)),
            ("tokens_live", JSON.int(liveTokens)),
        ])
    }
}
