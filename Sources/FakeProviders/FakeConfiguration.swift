/// Everything the fake can be told at startup; the defaults are the CLI's.
package struct FakeConfiguration: Sendable {
    /// The data set's seed: the same seed gives the same records.
    package var seed: UInt64 = 1
    /// Shopify orders to generate.
    package var orders = 5_000
    /// Zoho contacts to generate.
    package var contacts = 5_000
    /// Users of the generic source.
    package var customers = 120
    /// The one valid `X-Shopify-Access-Token`.
    package var shopifyToken = "shpat_fake"
    /// The one accepted `client_id`.
    package var zohoClientID = "1000.FAKECLIENTID"
    /// The one accepted `client_secret`.
    package var zohoClientSecret = "fake-client-secret"
    /// The one accepted `refresh_token` (it never changes, as Zoho's do not).
    package var zohoRefreshToken = "1000.fake-refresh-token"
    /// Access token lifetime (Zoho: 3600 s).
    package var zohoTokenTTLSeconds = 3_600
    /// When set, the generic source requires this `x-api-key`.
    package var customersKey: String?
    /// WooCommerce orders to generate.
    package var wooOrders = 1_000
    /// The accepted consumer key and secret (HTTP Basic user and password).
    package var wooCommerceKey = "ck_fake"
    package var wooCommerceSecret = "cs_fake"
    /// Shopify's leaky bucket (Standard plan: 40 calls, 2 per second).
    package var shopifyBucketSize = 40
    /// Calls the bucket leaks per second.
    package var shopifyLeakPerSecond = 2.0
    /// The fake HubSpot's token, limits and properties (`--hubspot-*`).
    package var hubspot = HubSpotConfiguration()
    /// The fake Salesforce's credentials, limits and fields (`--salesforce-*`).
    package var salesforce = SalesforceConfiguration()
    /// Faults scheduled from the start (`--fault`).
    package var faults: [Fault] = []
    /// `http://host:port` as clients reach the fake: used in `Link` headers and as Zoho's `api_domain`.
    package var baseURL = "http://127.0.0.1:0"

    /// The CLI's defaults.
    package init() {}

    var size: DataSet.Size { DataSet.Size(orders: orders, contacts: contacts, users: customers) }
}
