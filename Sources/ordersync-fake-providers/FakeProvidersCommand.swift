import ArgumentParser
import FakeProviders
import HTTPServer
import ServiceSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `ordersync-fake-providers`: Shopify orders, Zoho CRM contacts (with token refresh) and a reqres-style
/// user list, emulated on one local port for connector tests and benchmarks. Prints
/// `listening on http://HOST:PORT` once bound, then serves until SIGTERM or SIGINT.
@main
struct FakeProvidersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ordersync-fake-providers",
        abstract:
            "Local fakes of Shopify, Zoho CRM, WooCommerce, a reqres-style customer API, HubSpot and Salesforce (see docs/fake-providers.md).",
        subcommands: [SendCommand.self])

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "TCP port; 0 picks a free one.") var port = 0
    @Option(help: "Shopify orders to generate.") var orders = 5_000
    @Option(help: "Zoho contacts to generate.") var contacts = 5_000
    @Option(help: "Users of the generic source (/api/users).") var customers = 120
    @Option(help: "Seed of the data set: the same seed gives the same records.") var seed: UInt64 = 1
    @Option(name: .customLong("shopify-token"), help: "The valid X-Shopify-Access-Token.")
    var shopifyToken = "shpat_fake"
    @Option(name: .customLong("zoho-client-id")) var zohoClientID = "1000.FAKECLIENTID"
    @Option(name: .customLong("zoho-client-secret")) var zohoClientSecret = "fake-client-secret"
    @Option(name: .customLong("zoho-refresh-token")) var zohoRefreshToken = "1000.fake-refresh-token"
    @Option(name: .customLong("zoho-token-ttl"), help: "Access token lifetime in seconds.") var zohoTokenTTL = 3_600
    @Option(name: .customLong("customers-key"), help: "When set, /api/users requires this x-api-key.")
    var customersKey: String?
    @Option(name: .customLong("woo-orders"), help: "WooCommerce orders to generate.") var wooOrders = 1_000
    // Not --woocommerce-secret: `send` has that option (the webhook secret), and ArgumentParser gave a
    // subcommand's option to the parent when both declared it (FakeSenderTests).
    @Option(name: .customLong("woocommerce-consumer-key"), help: "The valid consumer key (HTTP Basic user).")
    var wooCommerceKey = "ck_fake"
    @Option(name: .customLong("woocommerce-consumer-secret"), help: "The valid consumer secret (HTTP Basic password).")
    var wooCommerceSecret = "cs_fake"
    @Option(name: .customLong("shopify-bucket"), help: "Leaky bucket size (calls).") var shopifyBucket = 40
    @Option(name: .customLong("shopify-leak-per-second"), help: "Calls the bucket leaks per second.")
    var shopifyLeakPerSecond = 2.0
    @Option(
        name: .customLong("fault"),
        help: "provider:kind:count[:arg], repeatable (e.g. shopify:status:3:503, zoho:slow:1:2000).")
    var faults: [String] = []
    @OptionGroup var crm: CRMOptions

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard orders >= 0, contacts >= 0, customers >= 0, wooOrders >= 0 else {
            throw ValidationError("sizes must not be negative")
        }
        guard shopifyBucket >= 1, shopifyLeakPerSecond > 0, shopifyLeakPerSecond.isFinite else {
            throw ValidationError("--shopify-bucket must be ≥ 1 and --shopify-leak-per-second > 0")
        }
        guard zohoTokenTTL >= 0 else { throw ValidationError("--zoho-token-ttl must not be negative") }
        for spec in faults where Fault(spec: spec) == nil {
            throw ValidationError("--fault \(spec): expected provider:kind:count[:arg]")
        }
    }

    func run() throws {
        var configuration = FakeConfiguration()
        configuration.seed = seed
        configuration.orders = orders
        configuration.contacts = contacts
        configuration.customers = customers
        configuration.shopifyToken = shopifyToken
        configuration.zohoClientID = zohoClientID
        configuration.zohoClientSecret = zohoClientSecret
        configuration.zohoRefreshToken = zohoRefreshToken
        configuration.zohoTokenTTLSeconds = zohoTokenTTL
        configuration.customersKey = customersKey
        configuration.wooOrders = wooOrders
        configuration.wooCommerceKey = wooCommerceKey
        configuration.wooCommerceSecret = wooCommerceSecret
        configuration.shopifyBucketSize = shopifyBucket
        configuration.shopifyLeakPerSecond = shopifyLeakPerSecond
        configuration.faults = faults.compactMap(Fault.init(spec:))
        crm.apply(to: &configuration)
        let signals = SignalWaiter()
        let service = FakeProvidersService(configuration: configuration)
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.host = host
        serverConfiguration.port = UInt16(port)
        let server: HTTPServer
        let bound: UInt16
        do {
            server = try HTTPServer(configuration: serverConfiguration, handler: service)
            bound = try server.start()
        } catch {
            throw ValidationError("cannot listen on \(host):\(port): \(error)")
        }
        // Clients on this machine reach a wildcard bind through the loopback address.
        let reachable = host == "0.0.0.0" ? "127.0.0.1" : host
        service.listening(at: "http://\(reachable):\(bound)")
        print("listening on http://\(reachable):\(bound)")
        fflush(nil)  // all streams: `stdout` itself is a global Swift 6 will not touch
        _ = signals.waitForTermination()
        server.drain()
        withExtendedLifetime(signals) {}
    }
}
