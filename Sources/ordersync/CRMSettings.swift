import CRMPush
import ServiceSupport

/// Where customer changes go out (docs/customers.md §5–§10), read from the environment: HubSpot with
/// HUBSPOT_ACCESS_TOKEN, Salesforce with SALESFORCE_CLIENT_ID. A CRM half configured stops the start
/// with the variable at fault named (never its value).
struct CRMSettings {
    var hubSpot: HubSpotConfiguration?
    var hubSpotLimiter = CRMRateLimiter.Configuration.hubSpot
    var salesforce: SalesforceConfiguration?
    var salesforceLimiter = CRMRateLimiter.Configuration.salesforce
    /// OUTBOX_RETRY_DELAYS (seconds, comma-separated) and OUTBOX_MAX_ATTEMPTS: when a transient
    /// failure is tried again, and when it is dead-lettered (default: Svix's schedule, §9).
    var retry = RetrySchedule.standard

    /// The CRMs configured, in a fixed order: each change is queued for each.
    var names: [String] { (hubSpot == nil ? [] : ["hubspot"]) + (salesforce == nil ? [] : ["salesforce"]) }

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    init() {}

    init(environment: [String: String]) throws(Invalid) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        func secret(_ name: String) throws(Invalid) -> String? {
            do {
                return try Secrets.value(name, in: environment)
            } catch {
                throw Invalid(description: error.description)
            }
        }
        func rate(_ name: String, _ range: ClosedRange<Double>) throws(Invalid) -> Double? {
            guard let text = value(name) else { return nil }
            guard let number = Double(text), range.contains(number) else {
                throw Invalid(description: "\(name) must be a number from \(range.lowerBound) to \(range.upperBound), not \"\(text.prefix(40))\"")
            }
            return number
        }
        if let token = try secret("HUBSPOT_ACCESS_TOKEN") {
            let url = value("HUBSPOT_API_URL") ?? "https://api.hubapi.com"
            guard let configuration = HubSpotConfiguration(baseURL: url, token: token) else {
                throw Invalid(
                    description: "HUBSPOT_API_URL must be an http(s) URL without query, and HUBSPOT_ACCESS_TOKEN one line")
            }
            hubSpot = configuration
        }
        hubSpotLimiter.perSecond = try rate("HUBSPOT_REQUESTS_PER_SECOND", 0.01...1_000) ?? hubSpotLimiter.perSecond
        hubSpotLimiter.burst = try rate("HUBSPOT_BURST", 1...1_000) ?? hubSpotLimiter.burst
        if let clientID = value("SALESFORCE_CLIENT_ID") {
            guard let loginURL = value("SALESFORCE_LOGIN_URL") else {
                throw Invalid(description: "SALESFORCE_CLIENT_ID is set: SALESFORCE_LOGIN_URL (the My Domain URL) is needed too")
            }
            guard let clientSecret = try secret("SALESFORCE_CLIENT_SECRET") else {
                throw Invalid(description: "SALESFORCE_CLIENT_ID is set: SALESFORCE_CLIENT_SECRET (or _FILE) is needed too")
            }
            guard let field = value("SALESFORCE_EXTERNAL_ID_FIELD") else {
                throw Invalid(
                    description: "SALESFORCE_CLIENT_ID is set: SALESFORCE_EXTERNAL_ID_FIELD (the Contact's external id field, e.g. Ordersync_Id__c) is needed too")
            }
            guard
                let configuration = SalesforceConfiguration(
                    loginURL: loginURL, clientID: clientID, clientSecret: clientSecret,
                    apiVersion: value("SALESFORCE_API_VERSION") ?? "62.0", externalIDField: field)
            else {
                throw Invalid(
                    description:
                        "Salesforce settings refused: SALESFORCE_LOGIN_URL must be an http(s) URL without query, SALESFORCE_API_VERSION NN.N at 46.0 or later, SALESFORCE_EXTERNAL_ID_FIELD an API name (letters, digits, _) the mapping does not send"
                )
            }
            salesforce = configuration
        }
        salesforceLimiter.perSecond = try rate("SALESFORCE_REQUESTS_PER_SECOND", 0.01...1_000) ?? salesforceLimiter.perSecond
        salesforceLimiter.burst = try rate("SALESFORCE_BURST", 1...1_000) ?? salesforceLimiter.burst
        if let text = value("SALESFORCE_DAILY_CAP") {
            guard let cap = Int(text), cap > 0 else {
                throw Invalid(description: "SALESFORCE_DAILY_CAP must be a positive whole number of requests")
            }
            salesforceLimiter.dailyCap = cap
        }
        if let text = value("OUTBOX_RETRY_DELAYS") {
            let delays = text.split(separator: ",").map { Double(String($0.filter { $0 != " " })) }
            guard !delays.isEmpty, delays.allSatisfy({ $0 != nil && $0! >= 0 && $0! <= 604_800 }) else {
                throw Invalid(description: "OUTBOX_RETRY_DELAYS must be seconds (0 to 604800) separated by commas")
            }
            retry = RetrySchedule(delays: delays.compactMap { $0 }, maxAttempts: retry.maxAttempts)
        }
        if let text = value("OUTBOX_MAX_ATTEMPTS") {
            guard let attempts = Int(text), (1...100).contains(attempts) else {
                throw Invalid(description: "OUTBOX_MAX_ATTEMPTS must be a whole number from 1 to 100")
            }
            retry = RetrySchedule(delays: retry.delays, maxAttempts: attempts)
        }
    }
}
