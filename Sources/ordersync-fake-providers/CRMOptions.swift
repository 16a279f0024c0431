import ArgumentParser
import FakeProviders

/// The fake HubSpot's and Salesforce's flags (docs/fake-providers.md "HubSpot", "Salesforce").
struct CRMOptions: ParsableArguments {
    @Option(name: .customLong("hubspot-token"), help: "The valid HubSpot private-app token (Bearer).")
    var hubSpotToken = "pat-fake"
    @Option(name: .customLong("hubspot-per-10s"), help: "HubSpot requests admitted per rolling 10 seconds.")
    var hubSpotPerTenSeconds = 100
    @Option(name: .customLong("hubspot-daily"), help: "HubSpot requests per day.") var hubSpotDaily = 250_000
    @Option(name: .customLong("hubspot-property"), help: "A custom contact property besides ordersync_id (repeatable).")
    var hubSpotProperties: [String] = []
    @Option(name: .customLong("salesforce-client-id"), help: "The connected app's consumer key.")
    var salesforceClientID = "sf-fake-client"
    @Option(name: .customLong("salesforce-client-secret"), help: "The connected app's consumer secret.")
    var salesforceClientSecret = "sf-fake-secret"
    @Option(name: .customLong("salesforce-token-ttl"), help: "Seconds a Salesforce session lives without a request.")
    var salesforceTokenTTL = 7_200
    @Option(name: .customLong("salesforce-daily"), help: "Salesforce API requests per day (Sforce-Limit-Info).")
    var salesforceDaily = 100_000
    @Option(
        name: .customLong("salesforce-field"),
        help: "A custom Contact external-id field besides Ordersync_Id__c, ending in __c (repeatable).")
    var salesforceFields: [String] = []

    func validate() throws {
        var configuration = FakeConfiguration()
        apply(to: &configuration)
        guard configuration.hubspot.isValid else {
            throw ValidationError(
                "--hubspot-token must not be empty, --hubspot-per-10s 1…\(HubSpotConfiguration.maxPerTenSeconds), "
                    + "--hubspot-daily 1…\(HubSpotConfiguration.maxDaily)")
        }
        guard configuration.salesforce.isValid else {
            throw ValidationError(
                "--salesforce-client-id must not be empty, --salesforce-daily 1…\(SalesforceConfiguration.maxDaily), "
                    + "--salesforce-token-ttl 0…\(SalesforceConfiguration.maxTokenTTLSeconds), fields end in __c")
        }
    }

    func apply(to configuration: inout FakeConfiguration) {
        configuration.hubspot.token = hubSpotToken
        configuration.hubspot.perTenSeconds = hubSpotPerTenSeconds
        configuration.hubspot.daily = hubSpotDaily
        configuration.hubspot.customProperties = hubSpotProperties
        configuration.salesforce.clientID = salesforceClientID
        configuration.salesforce.clientSecret = salesforceClientSecret
        configuration.salesforce.tokenTTLSeconds = salesforceTokenTTL
        configuration.salesforce.daily = salesforceDaily
        configuration.salesforce.customFields = salesforceFields
    }
}
