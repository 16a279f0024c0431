/// Access tokens of the fake Salesforce org. A session ends `ttl` seconds after its last request
/// (Salesforce's session timeout counts inactivity; docs/providers.md §4: "Sessions expire after inactivity
/// (default 2 h)"), or at once through `POST /_fake/expire-tokens`.
struct SalesforceTokens: Sendable {
    /// Live tokens kept at most: a client minting one per request must not grow the fake without bound.
    static let maxLive = 10_000

    private var expiry: [String: Double] = [:]
    private var issued: [String] = []
    private var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed ^ 0x5A1E_5F0C)
    }

    /// A new token in Salesforce's shape: the org id, `!`, an opaque part.
    mutating func issue(orgID: String, now: Double, ttlSeconds: Int) -> String {
        let token = orgID + "!" + opaque(96)
        expiry[token] = now + Double(ttlSeconds)
        issued.append(token)
        if issued.count > Self.maxLive { expiry[issued.removeFirst()] = nil }
        return token
    }

    /// True when `token` is live at `now`; a use extends its life by `ttl` seconds.
    mutating func use(_ token: String, now: Double, ttlSeconds: Int) -> Bool {
        guard let expires = expiry[token], now < expires else { return false }
        expiry[token] = now + Double(ttlSeconds)
        return true
    }

    /// Every token stops working; answers how many were live.
    mutating func expireAll(now: Double) -> Int {
        defer {
            expiry = [:]
            issued = []
        }
        return liveCount(now: now)
    }

    func liveCount(now: Double) -> Int { expiry.values.filter { now < $0 }.count }

    /// Random characters of Salesforce's opaque tokens (letters, digits, `.` and `_`).
    mutating func opaque(_ count: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._")
        return String((0..<count).map { _ in alphabet[random.below(alphabet.count)] })
    }
}
