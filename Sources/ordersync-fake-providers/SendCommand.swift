import ArgumentParser
import FakeSender

#if canImport(Glibc)
    import Glibc
#endif

/// `ordersync-fake-providers send`: signed Shopify and WooCommerce webhooks and a Debezium change stream
/// against a running ordersync, then one JSON summary line (docs/fake-providers.md, "Sender").
struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send signed webhooks and Debezium change events to an ordersync server; print a JSON summary.",
        discussion:
            "Exit 0 when every request was answered as intended and every duplicate was recognised, 1 otherwise.")

    @Option(help: "The ordersync server, http://HOST:PORT.") var target = "http://127.0.0.1:8080"
    @Option(help: "Seed of the data set and of the plan (shuffles, duplicates, ids).") var seed: UInt64 = 1
    @Option(help: "Webhook deliveries in all, duplicates included.") var webhooks = 0
    @Option(help: "Percent of the deliveries that repeat an earlier event.") var duplicates = 20
    @Option(name: .customLong("woocommerce-percent"), help: "Percent of the distinct events from WooCommerce.")
    var wooCommercePercent = 30
    @Option(name: .customLong("customers-percent"), help: "Percent of Shopify's events that are customers/update.")
    var customersPercent = 5
    @Option(name: .customLong("deletes-percent"), help: "Percent of WooCommerce orders deleted at the end.")
    var deletesPercent = 5
    @Option(name: .customLong("cdc-changes"), help: "Debezium change events (distinct) to POST /cdc/debezium.")
    var cdcChanges = 0
    @Option(name: .customLong("cdc-replay-percent"), help: "Percent of the stream replayed after a restart.")
    var cdcReplayPercent = 10
    @Option(name: .customLong("cdc-schema"), help: "with, without or mixed: the schema wrapper.") var cdcSchema =
        "mixed"
    @Option(help: "Concurrent senders, one keep-alive connection each.") var concurrency = 8
    @Option(help: "Release the webhooks this many at a time (0: all at once).") var burst = 0
    @Option(name: .customLong("pause-ms"), help: "Pause between bursts, milliseconds.") var pauseMilliseconds = 0
    @Option(name: .customLong("shopify-secret"), help: "SHOPIFY_WEBHOOK_SECRET of the server.")
    var shopifySecret = "fake-shopify-secret"
    @Option(name: .customLong("woocommerce-secret"), help: "WOOCOMMERCE_WEBHOOK_SECRET of the server.")
    var wooCommerceSecret = "fake-woocommerce-secret"
    @Option(help: "AUTH_TOKEN of the server (a bearer token on every request).") var token: String?
    @Option(name: .customLong("bad-signatures"), help: "Deliveries with a wrong signature (must be answered 401).")
    var badSignatures = 0
    @Flag(name: .customLong("to-api"), help: "POST the webhooks' orders to / instead (one per request).")
    var toAPI = false
    @Option(help: "Seconds to wait for each answer.") var timeout = 10
    @Option(help: "Deliveries per second offered (an open loop; latency counts from when each was due); 0: closed loop.")
    var rate: Double = 0

    func validate() throws {
        guard webhooks >= 0, cdcChanges >= 0, badSignatures >= 0 else {
            throw ValidationError("counts must not be negative")
        }
        guard webhooks > 0 || cdcChanges > 0 else {
            throw ValidationError("nothing to send: give --webhooks or --cdc-changes")
        }
        for (name, value) in [
            ("duplicates", duplicates), ("woocommerce-percent", wooCommercePercent),
            ("customers-percent", customersPercent),
            ("deletes-percent", deletesPercent), ("cdc-replay-percent", cdcReplayPercent),
        ] where !(0...100).contains(value) {
            throw ValidationError("--\(name) must be 0…100")
        }
        guard duplicates <= 90 else { throw ValidationError("--duplicates must be at most 90") }
        guard (1...4_096).contains(concurrency) else { throw ValidationError("--concurrency must be 1…4096") }
        guard burst >= 0, pauseMilliseconds >= 0, (1...600).contains(timeout) else {
            throw ValidationError("--burst and --pause-ms must not be negative, --timeout 1…600")
        }
        guard rate.isFinite, (0...1_000_000).contains(rate) else { throw ValidationError("--rate must be 0…1000000") }
        guard rate == 0 || burst == 0 else { throw ValidationError("--rate and --burst cannot be used together") }
        guard SendOptions.SchemaMode(rawValue: cdcSchema) != nil else {
            throw ValidationError("--cdc-schema must be with, without or mixed")
        }
        guard !shopifySecret.isEmpty, !wooCommerceSecret.isEmpty else {
            throw ValidationError("secrets must not be empty")
        }
    }

    func run() throws {
        var options = SendOptions()
        options.target = target
        options.seed = seed
        options.webhooks = webhooks
        options.duplicatePercent = duplicates
        options.wooCommercePercent = wooCommercePercent
        options.customerPercent = customersPercent
        options.deletePercent = deletesPercent
        options.cdcChanges = cdcChanges
        options.cdcReplayPercent = cdcReplayPercent
        options.cdcSchema = SendOptions.SchemaMode(rawValue: cdcSchema) ?? .mixed
        options.concurrency = concurrency
        options.burst = burst
        options.pauseMilliseconds = pauseMilliseconds
        options.rate = rate
        options.shopifySecret = shopifySecret
        options.wooCommerceSecret = wooCommerceSecret
        options.token = token
        options.badSignatures = badSignatures
        options.toAPI = toAPI
        options.timeoutSeconds = timeout
        let summary: SendSummary
        do {
            summary = try Sender.run(options)
        } catch {
            throw ValidationError("send: \(error)")
        }
        print(summary.json)
        fflush(nil)
        if !summary.ok { throw ExitCode(1) }
    }
}
