/// Everything the fake can be told at startup; the defaults are the CLI's.
package struct FakeConfiguration: Sendable {
    package var seed: UInt64 = 1
    /// Data set sizes.
    package var orders = 5_000
    package var contacts = 5_000
    package var customers = 120
    /// The one valid `X-Shopify-Access-Token`.
    package var shopifyToken = "shpat_fake"
    package var zohoClientID = "1000.FAKECLIENTID"
    package var zohoClientSecret = "fake-client-secret"
    package var zohoRefreshToken = "1000.fake-refresh-token"
    /// Access token lifetime (Zoho: 3600 s).
    package var zohoTokenTTLSeconds = 3_600
    /// When set, the generic source requires this `x-api-key`.
    package var customersKey: String?
    /// Shopify's leaky bucket (Standard plan: 40 calls, 2 per second).
    package var shopifyBucketSize = 40
    package var shopifyLeakPerSecond = 2.0
    /// Faults scheduled from the start (`--fault`).
    package var faults: [Fault] = []
    /// `http://host:port` as clients reach the fake: used in `Link` headers and as Zoho's `api_domain`.
    package var baseURL = "http://127.0.0.1:0"

    package init() {}

    var size: DataSet.Size { DataSet.Size(orders: orders, contacts: contacts, users: customers) }
}
