import FakeProviders
import OrderCore
import SyncCore
import Threads
import Webhooks

/// What `ordersync-fake-providers send` is told (docs/fake-providers.md, "Sender"); the defaults are the CLI's.
package struct SendOptions: Sendable {
    package enum SchemaMode: String, Sendable, CaseIterable { case with, without, mixed }

    /// `http://HOST:PORT` of the ordersync server (a numeric address or `localhost`).
    package var target = "http://127.0.0.1:8080"
    package var seed: UInt64 = 1
    /// Webhook deliveries in all, duplicates included (Shopify and WooCommerce).
    package var webhooks = 0
    /// Share of the deliveries that repeat an earlier event: a redelivery (same webhook id) or the same
    /// event through another subscription (same event id, new webhook id).
    package var duplicatePercent = 20
    /// Share of the distinct events that are WooCommerce's.
    package var wooCommercePercent = 30
    /// Share of the Shopify events that are `customers/update`.
    package var customerPercent = 5
    /// Share of the WooCommerce orders deleted at the end (`order.deleted`, after every version).
    package var deletePercent = 5
    /// Debezium change events (distinct), then a replay of the last `cdcReplayPercent` % of them.
    package var cdcChanges = 0
    package var cdcReplayPercent = 10
    package var cdcSchema = SchemaMode.mixed
    package var concurrency = 8
    /// Release the deliveries `burst` at a time, `pauseMilliseconds` apart (0: all at once).
    package var burst = 0
    package var pauseMilliseconds = 0
    /// Deliveries per second offered to the server (0: a closed loop, each sender sends its next one
    /// when the answer came). The k-th shared request of a phase is due k ÷ rate seconds after the
    /// phase starts, and its latency counts from then: time spent waiting for a free sender counts too.
    package var rate: Double = 0
    package var shopifySecret = "fake-shopify-secret"
    package var wooCommerceSecret = "fake-woocommerce-secret"
    /// AUTH_TOKEN of the server, sent as a bearer token with every request (webhooks need none).
    package var token: String?
    /// Deliveries with a wrong signature, expected to be answered 401.
    package var badSignatures = 0
    /// Send the webhooks' orders to `POST /` instead, one order per request (the same versions, the
    /// same duplicates and concurrency): the reference for the webhooks' latency.
    package var toAPI = false
    package var timeoutSeconds = 10
    package var shopDomain = "ordersync-fake.myshopify.com"
    package var wooSource = "https://shop.example.com/"
    package var apiVersion = "2025-07"

    package init() {}
}

/// One request of the plan. Debezium bodies are rendered when sent, so 100,000 of them are not all held.
struct PlannedRequest: Sendable {
    enum Body: Sendable {
        case bytes([UInt8])
        case debezium(Int, wrapped: Bool)
    }

    enum Intent: Sendable {
        case fresh
        /// Must be answered `duplicate` (`unchanged` on `POST /`).
        case duplicate
        /// A wrong signature: must be answered 401.
        case badSignature
    }

    let path: String
    let headers: [(String, String)]
    let body: Body
    let intent: Intent
    /// A deletion, or a copy of one: sent in the last phase, after every version of its order.
    var isDeletion = false
    /// The sender that must send it (Debezium: by order id, in order, as one partition of a sink); nil: any.
    let partition: Int?
}

/// The requests of one run in phases (each one starts when the previous one is answered), and what
/// the server must have stored afterwards.
struct SendPlan: Sendable {
    var phases: [(name: String, requests: [Int])] = []
    var requests: [PlannedRequest] = []
    var debezium: [DebeziumChange] = []
    /// Distinct events by source, as `source_events` must count them.
    var distinctEvents: [String: Int] = [:]
    /// Versions `orders_raw` must gain (tombstones included), and each order's latest status.
    var expectedVersions = 0
    var expectedLatest: [String: String] = [:]
    var expectedRecords = 0
    /// Each order's latest version so far (`--to-api` renders a deletion from it).
    private var latestOrder: [String: Order] = [:]
    private let shopifySecret: WebhookSecret
    private let wooCommerceSecret: WebhookSecret

    init(_ options: SendOptions) throws(SendError) {
        guard let shopify = WebhookSecret(options.shopifySecret), let woo = WebhookSecret(options.wooCommerceSecret)
        else { throw SendError("the webhook secrets must not be empty") }
        (shopifySecret, wooCommerceSecret) = (shopify, woo)
        var random = SenderRandom(seed: options.seed)
        if options.webhooks > 0 { try planWebhooks(options, &random) }
        if options.cdcChanges > 0 { planDebezium(options) }
    }

    private mutating func add(_ request: PlannedRequest) -> Int {
        requests.append(request)
        return requests.count - 1
    }

    // MARK: - Webhooks

    private mutating func planWebhooks(_ options: SendOptions, _ random: inout SenderRandom) throws(SendError) {
        let duplicates = options.webhooks * min(max(options.duplicatePercent, 0), 90) / 100
        let distinct = options.webhooks - duplicates
        let woo = distinct * min(max(options.wooCommercePercent, 0), 100) / 100
        let changes =
            SenderData.shopify(seed: options.seed, events: distinct - woo, customerPercent: options.customerPercent)
            + SenderData.wooCommerce(seed: options.seed, events: woo, deletePercent: options.deletePercent)
        var main: [Int] = []
        var last: [Int] = []
        for change in changes {
            guard var request = try fresh(change, options, &random) else { continue }
            request.isDeletion = change.isDeletion
            let index = add(request)
            if change.isDeletion { last.append(index) } else { main.append(index) }
            distinctEvents[options.toAPI ? "api" : change.source.rawValue, default: 0] += 1
        }
        // Duplicates of events of the same phase: a deletion's copy must not come before its versions.
        let originals = main + last
        for _ in 0..<duplicates where !originals.isEmpty {
            let original = requests[originals[random.below(originals.count)]]
            let index = add(duplicate(of: original, &random))
            if original.isDeletion { last.append(index) } else { main.append(index) }
        }
        if !options.toAPI {
            for _ in 0..<max(0, options.badSignatures) {
                guard let original = originals.first.map({ requests[$0] }), case .bytes(let body) = original.body,
                    let secret = WebhookSecret("not the secret")
                else { break }
                var headers = original.headers.filter {
                    $0.0 != "X-Shopify-Hmac-Sha256" && $0.0 != "X-WC-Webhook-Signature"
                }
                headers.append(
                    (
                        original.path.hasSuffix("shopify") ? "X-Shopify-Hmac-Sha256" : "X-WC-Webhook-Signature",
                        WebhookSignature.sign(body, with: secret)
                    ))
                main.append(
                    add(
                        PlannedRequest(
                            path: original.path, headers: headers, body: original.body, intent: .badSignature,
                            partition: nil)))
            }
        }
        random.shuffle(&main)
        random.shuffle(&last)
        phases.append(("webhooks", main))
        if !last.isEmpty { phases.append(("deletions", last)) }
    }

    /// The first delivery of a change, and what it stores.
    private mutating func fresh(_ change: WebhookChange, _ options: SendOptions, _ random: inout SenderRandom)
        throws(SendError) -> PlannedRequest?
    {
        // What the server stores, through its own mapping (docs/realtime.md §4).
        var order: Order?
        if change.isDeletion {
            expectedVersions += 1
            if let id = change.orderID { expectedLatest[id] = Order.deletedStatus }
        } else if change.orderID != nil {
            do {
                let value = try JSONParser.parse(change.body)
                order =
                    try change.source == .shopify
                    ? RecordMapping.shopifyOrder(value).1 : RecordMapping.wooCommerceOrder(value).1
            } catch {
                throw SendError("the data set made an order the server cannot map: \(error)")
            }
            if let order {
                expectedVersions += 1
                expectedLatest[order.orderID] = order.status
                latestOrder[order.orderID] = order
            }
        } else {
            if options.toAPI { return nil }  // a customer is no order
            expectedRecords += 1
        }
        if options.toAPI {
            let deleted = change.isDeletion ? change.orderID.flatMap { latestOrder[$0] } : nil
            let body = try APIBody.order(order ?? deleted, deleted: deleted != nil)
            return PlannedRequest(
                path: "/", headers: bearer(options), body: .bytes(body), intent: .fresh, partition: nil)
        }
        switch change.source {
        case .shopify:
            let eventID = random.uuid()
            let webhookID = random.uuid()
            let headers = shopifyHeaders(change, eventID: eventID, webhookID: webhookID, options)
            return PlannedRequest(
                path: "/webhooks/shopify", headers: headers, body: .bytes(change.body), intent: .fresh, partition: nil)
        case .woocommerce:
            let headers = wooHeaders(change.topic, body: change.body, options, &random)
            return PlannedRequest(
                path: "/webhooks/woocommerce", headers: headers, body: .bytes(change.body), intent: .fresh,
                partition: nil)
        }
    }

    /// Another delivery of `original`'s event: Shopify half redeliveries (the same headers: a retry),
    /// half the same event through another subscription (a new webhook id); WooCommerce the same body
    /// with a new delivery id, from another webhook half the time.
    private func duplicate(of original: PlannedRequest, _ random: inout SenderRandom) -> PlannedRequest {
        var headers = original.headers
        if original.path == "/webhooks/shopify" && random.chance(50) {
            let webhookID = random.uuid()
            headers = headers.map { $0.0 == "X-Shopify-Webhook-Id" ? ($0.0, webhookID) : $0 }
        } else if original.path == "/webhooks/woocommerce" {
            let delivery = random.uuid()
            let subscription = random.chance(50) ? "1" : "2"
            headers = headers.map {
                switch $0.0 {
                case "X-WC-Webhook-Delivery-ID": ($0.0, delivery)
                case "X-WC-Webhook-ID": ($0.0, subscription)
                default: $0
                }
            }
        }
        var copy = PlannedRequest(
            path: original.path, headers: headers, body: original.body, intent: .duplicate, partition: nil)
        copy.isDeletion = original.isDeletion
        return copy
    }

    private func shopifyHeaders(_ change: WebhookChange, eventID: String, webhookID: String, _ options: SendOptions)
        -> [(String, String)]
    {
        [
            ("X-Shopify-Topic", change.topic),
            ("X-Shopify-Hmac-Sha256", WebhookSignature.sign(change.body, with: shopifySecret)),
            ("X-Shopify-Webhook-Id", webhookID), ("X-Shopify-Event-Id", eventID),
            ("X-Shopify-Shop-Domain", options.shopDomain),
            ("X-Shopify-Triggered-At", LocalTime.utc(change.time)), ("X-Shopify-API-Version", options.apiVersion),
        ] + bearer(options)
    }

    private func wooHeaders(_ topic: String, body: [UInt8], _ options: SendOptions, _ random: inout SenderRandom)
        -> [(String, String)]
    {
        let parts = topic.split(separator: ".")
        return [
            ("X-WC-Webhook-Source", options.wooSource), ("X-WC-Webhook-Topic", topic),
            ("X-WC-Webhook-Resource", String(parts.first ?? "")), ("X-WC-Webhook-Event", String(parts.last ?? "")),
            ("X-WC-Webhook-ID", "1"), ("X-WC-Webhook-Delivery-ID", random.uuid()),
            ("X-WC-Webhook-Signature", WebhookSignature.sign(body, with: wooCommerceSecret)),
        ] + bearer(options)
    }

    private func bearer(_ options: SendOptions) -> [(String, String)] {
        options.token.map { [("Authorization", "Bearer \($0)")] } ?? []
    }

    // MARK: - Debezium

    /// The snapshot, then the stream, one partition per sender by order id (each row's changes in
    /// order, as a sink delivers them), then after a "restart" its last `cdcReplayPercent` % again.
    private mutating func planDebezium(_ options: SendOptions) {
        debezium = SenderData.debezium(seed: options.seed, changes: options.cdcChanges)
        let senders = max(1, options.concurrency)
        var stream: [Int] = []
        for (position, change) in debezium.enumerated() {
            let wrapped =
                switch options.cdcSchema {
                case .with: true
                case .without: false
                case .mixed: position % 2 == 0
                }
            let request = PlannedRequest(
                path: "/cdc/debezium", headers: bearer(options), body: .debezium(position, wrapped: wrapped),
                intent: .fresh, partition: Int(change.orderID % Int64(senders)))
            stream.append(add(request))
            expectedVersions += 1
            expectedLatest[String(change.orderID)] = change.op == "d" ? Order.deletedStatus : change.status
        }
        distinctEvents["debezium", default: 0] += debezium.count
        // The snapshot is done before streaming starts, as a connector does.
        let snapshot = debezium.prefix { $0.op == "r" }.count
        phases.append(("debezium-snapshot", Array(stream.prefix(snapshot))))
        phases.append(("debezium", Array(stream.dropFirst(snapshot))))
        let replay = debezium.count * min(max(options.cdcReplayPercent, 0), 100) / 100
        if replay > 0 {
            let copies = stream.suffix(replay).map { index in
                let original = requests[index]
                return add(
                    PlannedRequest(
                        path: original.path, headers: original.headers, body: original.body, intent: .duplicate,
                        partition: original.partition))
            }
            phases.append(("debezium-replay", copies))
        }
    }

    /// The bytes of request `index`, ready for the socket.
    func wire(_ index: Int, host: String) -> [UInt8] {
        let request = requests[index]
        let body: [UInt8] =
            switch request.body {
            case .bytes(let bytes): bytes
            case .debezium(let position, let wrapped): debezium[position].body(wrapped: wrapped)
            }
        var head = "POST \(request.path) HTTP/1.1\r\nHost: \(host)\r\nContent-Type: application/json\r\n"
        head += "Content-Length: \(body.count)\r\n"
        for (name, value) in request.headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }
}

/// A plan that cannot be made, or a run that cannot start.
package struct SendError: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}

/// `POST /` bodies for `--to-api`: the version the webhook would have stored, in ordersync's own
/// field names (docs/contract.md §2); a deletion as the latest version with status `deleted` at the
/// time the plan is made (after every generated time).
enum APIBody {
    static func order(_ order: Order?, deleted: Bool) throws(SendError) -> [UInt8] {
        guard let order else { throw SendError("a request for POST / without an order") }
        let updated =
            deleted
            ? Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText : order.updatedAt
        var members: [(name: String, value: JSONValue)] = [
            ("order_id", .string(order.orderID)), ("order_date", .string(order.orderDate)),
            ("order_status", .string(deleted ? Order.deletedStatus : order.status)),
        ]
        if let details = order.details { members.append(("order_details", .string(details))) }
        if let updated { members.append(("updated_at", .string(updated))) }
        guard case .success(let object) = JSONObject.make(members) else { throw SendError("a field named twice") }
        return JSONWriter.canonical(.object(object))
    }
}
