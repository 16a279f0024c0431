/// Zoho access tokens issued by the fake: each lives `ttl` seconds. Zoho keeps at most 30 live access
/// tokens per refresh token and evicts the oldest (docs/providers.md §2, unconfirmed for CRM): so does this.
struct TokenStore: Sendable {
    static let maxLivePerRefreshToken = 30

    private var expiry: [String: Double] = [:]
    /// Issued tokens, oldest first, for the eviction rule (one refresh token is configured).
    private var issued: [String] = []
    private var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed ^ 0x70CE_5EED)
    }

    /// A new token in Zoho's shape: `1000.<32 hex>.<32 hex>`.
    mutating func issue(now: Double, ttlSeconds: Int) -> String {
        let token = "1000." + hex(32) + "." + hex(32)
        expiry[token] = now + Double(ttlSeconds)
        issued.append(token)
        if issued.count > TokenStore.maxLivePerRefreshToken {
            expiry[issued.removeFirst()] = nil
        }
        return token
    }

    func isValid(_ token: String, now: Double) -> Bool {
        guard let expires = expiry[token] else { return false }
        return now < expires
    }

    /// Every issued token stops working at once.
    mutating func expireAll() {
        expiry = [:]
        issued = []
    }

    func liveCount(now: Double) -> Int { expiry.values.filter { now < $0 }.count }

    private mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String((0..<count).map { _ in digits[random.below(16)] })
    }
}
