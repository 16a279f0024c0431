/// A failure injected into the next requests to one provider (`POST /_fake/faults` or `--fault`).
package struct Fault: Sendable, Equatable {
    /// What the fault does.
    package enum Kind: String, Sendable, CaseIterable {
        /// Answer `status` with the provider's own error body.
        case status
        /// 429 with `Retry-After: retryAfter` and the provider's rate-limit body.
        case rateLimit = "rate-limit"
        /// Wait `delayMilliseconds`, then answer normally.
        case slow
        /// Announce the full Content-Length, send half the body, close.
        case truncate
        /// Close the connection without answering.
        case drop
    }

    /// Whose requests get it.
    package var provider: Provider
    /// What it does.
    package var kind: Kind
    /// How many of the next requests to `provider` get it.
    package var count: Int
    /// The status a `status` fault answers (400…599).
    package var status = 503
    /// How long a `slow` fault waits.
    package var delayMilliseconds = 2_000
    /// The `Retry-After` of a `rate-limit` fault.
    package var retryAfterSeconds = 1.0

    /// Longest accepted delay: a slow fault must not outlive the client's patience by hours.
    package static let maxDelayMilliseconds = 120_000
    /// Most requests one fault may cover.
    package static let maxCount = 1_000_000

    /// A fault with the default status (503), delay (2 s) and Retry-After (1 s).
    package init(provider: Provider, kind: Kind, count: Int) {
        self.provider = provider
        self.kind = kind
        self.count = count
    }

    /// Parses `provider:kind:count[:arg]` (the CLI form); arg is the status, the delay in ms or the
    /// Retry-After seconds, by kind.
    package init?(spec: String) {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 || parts.count == 4, let provider = Provider(rawValue: parts[0]),
            let kind = Kind(rawValue: parts[1]), let count = Int(parts[2])
        else { return nil }
        self.init(provider: provider, kind: kind, count: count)
        if parts.count == 4 {
            switch kind {
            case .status: guard let value = Int(parts[3]) else { return nil }; status = value
            case .slow: guard let value = Int(parts[3]) else { return nil }; delayMilliseconds = value
            case .rateLimit: guard let value = Double(parts[3]) else { return nil }; retryAfterSeconds = value
            case .truncate, .drop: return nil
            }
        }
        guard isValid else { return nil }
    }

    /// Within the named limits.
    package var isValid: Bool {
        (1...Fault.maxCount).contains(count) && (400...599).contains(status)
            && (0...Fault.maxDelayMilliseconds).contains(delayMilliseconds)
            && retryAfterSeconds >= 0 && retryAfterSeconds <= 3_600
    }
}
