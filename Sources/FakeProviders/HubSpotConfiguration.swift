/// What the fake HubSpot accepts (flags `--hubspot-*`, docs/fake-providers.md "HubSpot").
package struct HubSpotConfiguration: Sendable {
    /// The one valid private-app token (`Authorization: Bearer …`).
    package var token = "pat-fake"
    /// Requests admitted in a rolling ten seconds: Free and Starter accounts' burst limit
    /// (docs/customers.md §6).
    package var perTenSeconds = 100
    /// Requests a day (Free and Starter: 250,000, §A.4).
    package var daily = 250_000
    /// Custom contact properties besides `ordersync_id` (a portal's own, created in its settings).
    package var customProperties: [String] = []

    /// Largest accepted `perTenSeconds` and `daily`: the window keeps one timestamp per admitted request.
    package static let maxPerTenSeconds = 100_000
    package static let maxDaily = 1_000_000_000

    /// The CLI's defaults.
    package init() {}

    /// Writable contact properties a portal has out of the box (a subset of HubSpot's default contact
    /// properties), plus `ordersync_id`, the custom property ordersync keys its customers by.
    static let defaultProperties: Set<String> = [
        "email", "firstname", "lastname", "phone", "mobilephone", "company", "website", "jobtitle", "address",
        "city", "state", "zip", "country", "fax", "industry", "salutation", "date_of_birth", "lifecyclestage",
        "hs_lead_status", "hubspot_owner_id", "annualrevenue", "numemployees", "message", "ordersync_id",
    ]

    /// Properties HubSpot sets itself: writing one is refused (`READ_ONLY_VALUE`).
    static let readOnlyProperties: Set<String> = ["hs_object_id", "createdate", "lastmodifieddate"]

    /// Every property a contact may be given.
    var writableProperties: Set<String> { Self.defaultProperties.union(customProperties) }

    /// Within the named limits.
    package var isValid: Bool {
        (1...Self.maxPerTenSeconds).contains(perTenSeconds) && (1...Self.maxDaily).contains(daily)
            && !token.isEmpty
    }
}
