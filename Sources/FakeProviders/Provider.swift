/// The emulated services, as named in fault plans and statistics.
package enum Provider: String, Sendable, CaseIterable {
    case shopify
    /// Zoho CRM's record API.
    case zoho
    /// Zoho Accounts' token endpoint.
    case zohoToken = "zoho-token"
    /// The reqres-style generic customer source.
    case customers
    /// WooCommerce's REST API (orders).
    case woocommerce
    /// HubSpot's CRM API (contacts), the outbound side (docs/fake-providers.md).
    case hubspot
    /// Salesforce's REST API (Contact collections and deletes).
    case salesforce
    /// Salesforce's OAuth token endpoint (client credentials).
    case salesforceToken = "salesforce-token"
}
