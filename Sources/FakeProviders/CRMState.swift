/// What the fake CRMs keep between requests: contacts, limits, Salesforce's sessions and the request
/// log. Part of `FakeProvidersService.State`, behind its one lock.
struct CRMState: Sendable {
    var hubSpot = HubSpotContacts()
    var hubSpotLimits: HubSpotRateLimit
    var salesforce = SalesforceContacts()
    var salesforceUsage: DailyQuota
    var salesforceTokens: SalesforceTokens
    var log = CRMRequestLog()
    /// The portal's writable contact properties and the org's Contact fields (fixed at start).
    let hubSpotProperties: Set<String>
    let salesforceFields: SalesforceFields
    private var random: SplitMix64

    /// Limits from `configuration`; days are counted from `now` (the fake's monotonic clock at start).
    init(configuration: FakeConfiguration, now: Double) {
        hubSpotLimits = HubSpotRateLimit(
            perTenSeconds: configuration.hubspot.perTenSeconds, daily: configuration.hubspot.daily, origin: now)
        salesforceUsage = DailyQuota(limit: configuration.salesforce.daily, origin: now)
        salesforceTokens = SalesforceTokens(seed: configuration.seed)
        hubSpotProperties = configuration.hubspot.writableProperties
        salesforceFields = SalesforceFields(customFields: configuration.salesforce.customFields)
        random = SplitMix64(seed: configuration.seed ^ 0xC0FF_EE11)
    }

    /// Contacts, logs and usage counters start again; Salesforce sessions stay valid.
    mutating func reset() {
        hubSpot.reset()
        hubSpotLimits.reset()
        salesforce.reset()
        salesforceUsage.reset()
        log.reset()
    }

    /// A UUID-shaped id for HubSpot's `correlationId`.
    mutating func correlationID() -> String {
        let high = random.next()
        let low = random.next()
        let hex = Array("0123456789abcdef")
        var out = ""
        for index in 0..<32 {
            let word = index < 16 ? high : low
            out.append(hex[Int((word >> UInt64(60 - 4 * (index % 16))) & 0xF)])
            if [7, 11, 15, 19].contains(index) { out.append("-") }
        }
        return out
    }
}
