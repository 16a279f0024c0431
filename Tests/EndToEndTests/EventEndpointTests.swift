import Foundation
import OrderAPI
import OrderCore
import OrderStore
import Storage
import SyncCore
import Testing
import Webhooks

/// `POST /webhooks/shopify`, `POST /webhooks/woocommerce` and `POST /cdc/debezium` end to end
/// (docs/realtime.md §4): real HMAC signatures over the exact bytes sent, over a socket to the real
/// server, then into the database. Runs on SQLite and again on PostgreSQL (.ci/run).
@Suite struct EventEndpointTests {
    static let shopifySecret = "shpss_e2e_secret"
    static let wooSecret = "wc_e2e_secret"

    static func server(authToken: String? = nil) throws -> TestServer {
        try TestServer(api: {
            $0.authToken = authToken
            $0.events = EventSettings(
                shopifySecret: WebhookSecretForTests.shopify, wooCommerceSecret: WebhookSecretForTests.wooCommerce)
        })
    }

    static func shopifyOrder(id: Int = 450789469, updatedAt: String = "2025-08-08T12:30:00-04:00") -> String {
        """
        {"id":\(id),"email":"bob@example.com","created_at":"2025-08-08T10:00:00-04:00","updated_at":"\(updatedAt)",\
        "financial_status":"paid","fulfillment_status":null,"cancelled_at":null,\
        "line_items":[{"id":1,"title":"Laptop","quantity":1}]}
        """
    }

    /// A Shopify delivery as Shopify sends it: the headers of docs/realtime.md §1, signed unless told.
    static func shopify(
        _ body: String, topic: String = "orders/updated", webhookID: String = UUID().uuidString,
        eventID: String? = UUID().uuidString, signature: String? = nil
    ) -> String {
        var headers = [
            "X-Shopify-Topic: \(topic)", "X-Shopify-Webhook-Id: \(webhookID)",
            "X-Shopify-Shop-Domain: example.myshopify.com", "X-Shopify-Triggered-At: 2025-08-08T16:30:00Z",
            "X-Shopify-Hmac-Sha256: \(signature ?? WebhookSignature.sign(Array(body.utf8), with: WebhookSecret(shopifySecret)!))",
        ]
        if let eventID { headers.append("X-Shopify-Event-Id: \(eventID)") }
        return Request.post(body, path: "/webhooks/shopify", headers: headers)
    }

    static func woo(_ body: String, topic: String = "order.updated") -> String {
        Request.post(
            body, path: "/webhooks/woocommerce",
            headers: [
                "X-WC-Webhook-Topic: \(topic)", "X-WC-Webhook-Source: https://shop.example.com/",
                "X-WC-Webhook-Delivery-ID: \(UUID().uuidString)", "X-WC-Webhook-ID: 12",
                "X-WC-Webhook-Signature: \(WebhookSignature.sign(Array(body.utf8), with: WebhookSecret(wooSecret)!))",
            ])
    }

    static func wooOrder(id: Int = 727, status: String = "processing", modified: String = "2025-08-08T10:05:00") -> String {
        """
        {"id":\(id),"status":"\(status)","date_created_gmt":"2025-08-08T10:00:00","date_modified_gmt":"\(modified)",\
        "billing":{"email":"john.doe@example.com"},"line_items":[{"id":315,"name":"Woo Single #1","quantity":2}]}
        """
    }

    /// The answer to `request` on a connection of its own.
    static func answer(_ server: TestServer, _ request: String) throws -> RawResponse {
        let client = try RawClient(port: server.port)
        try client.send(request)
        return try client.readResponse()
    }

    func count(_ server: TestServer, _ table: String, _ condition: String = "TRUE") throws -> Int {
        Int(try server.rows("SELECT count(*) FROM \(table) WHERE \(condition)").first?.first??.description ?? "") ?? -1
    }

    // MARK: - Shopify

    @Test func aSignedShopifyOrderIsStoredOnceWithItsEvent() throws {
        let server = try Self.server()
        let client = try RawClient(port: server.port)
        let body = Self.shopifyOrder()
        try client.send(Self.shopify(body, webhookID: "w-1", eventID: "e-1"))
        let first = try client.readResponse()
        #expect(first.status == 200)
        #expect(first.text == #"{"status":"applied","inserted":1,"unchanged":0}"#)
        let rows = try server.rows("SELECT order_id, order_status, updated_at, source FROM orders_raw")
        #expect(rows == [["450789469", "paid", "2025-08-08T16:30:00.000Z", "shopify"]])

        // The same delivery again (a retry), then the same event through another subscription.
        try client.send(Self.shopify(body, webhookID: "w-1", eventID: "e-1"))
        #expect(try client.readResponse().text == #"{"status":"duplicate","inserted":0,"unchanged":0}"#)
        try client.send(Self.shopify(body, webhookID: "w-2", eventID: "e-1"))
        #expect(try client.readResponse().text == #"{"status":"duplicate","inserted":0,"unchanged":0}"#)
        #expect(try server.rowCount() == 1)

        let events = try server.rows(
            "SELECT source, source_id, event_type, status, event_time, checksum FROM source_events")
        // The checksum, computed by another implementation (coreutils).
        let directory = TemporaryDirectory()
        let file = directory.file("body")
        try Data(body.utf8).write(to: URL(fileURLWithPath: file))
        let digest = try runProgram("/usr/bin/sha256sum", [file]).output.prefix(64)
        #expect(events == [["shopify", "450789469", "orders/updated", "applied", "2025-08-08T16:30:00.000Z", String(digest)]])
        // The payload is kept byte for byte.
        let payload = try server.rows("SELECT payload FROM source_events").first?.first ?? nil
        #expect(payload.map { $0.contains("\"line_items\"") || $0.hasPrefix("\\x") } == true)
    }

    @Test func aSignatureThatDoesNotMatchTheseBytesStoresNothing() throws {
        let server = try Self.server()
        let client = try RawClient(port: server.port)
        let body = Self.shopifyOrder()
        let other = WebhookSignature.sign(Array(Self.shopifyOrder(id: 1).utf8), with: WebhookSecret(Self.shopifySecret)!)
        let wrongKey = WebhookSignature.sign(Array(body.utf8), with: WebhookSecret("not the secret")!)
        for signature in [other, wrongKey, "", "not base64 at all", String(repeating: "A", count: 44)] {
            try client.send(Self.shopify(body, signature: signature))
            let response = try client.readResponse()
            #expect(response.status == 401, "signature \(signature.prefix(12))")
        }
        // A body cut short after it was signed.
        let signed = WebhookSignature.sign(Array(body.utf8), with: WebhookSecret(Self.shopifySecret)!)
        try client.send(Self.shopify(String(body.dropLast(5)), signature: signed))
        #expect(try client.readResponse().status == 401)
        // Two signature headers: which one counts would be a guess.
        try client.send(
            Request.post(
                body, path: "/webhooks/shopify",
                headers: [
                    "X-Shopify-Topic: orders/updated", "X-Shopify-Webhook-Id: w", "X-Shopify-Hmac-Sha256: \(signed)",
                    "X-Shopify-Hmac-Sha256: \(signed)",
                ]))
        #expect(try client.readResponse().status == 401)
        #expect(try server.rowCount() == 0)
        #expect(try count(server, "source_events") == 0)
        try client.send(Request.get("/metrics"))
        let metrics = try client.readResponse().text
        #expect(metrics.contains(#"ordersync_source_events_total{source="shopify",outcome="rejected_signature"} 7"#))
    }

    @Test func customersGoToSourceRecordsAndUnknownTopicsAreRecordedAndIgnored() throws {
        let server = try Self.server()
        let client = try RawClient(port: server.port)
        try client.send(
            Self.shopify(
                #"{"id":706405506930370084,"email":"a@b.c","updated_at":"2025-08-08T10:00:00Z"}"#,
                topic: "customers/update"))
        #expect(try client.readResponse().text == #"{"status":"applied","inserted":0,"unchanged":0}"#)
        #expect(try server.rows("SELECT source, source_id FROM source_records") == [["shopify_customer", "706405506930370084"]])
        try client.send(Self.shopify(#"{"id":1,"anything":true}"#, topic: "products/update"))
        #expect(try client.readResponse().text == #"{"status":"ignored","inserted":0,"unchanged":0}"#)
        #expect(try count(server, "source_events", "status = 'ignored' AND event_type = 'products/update'") == 1)
        #expect(try server.rowCount() == 0)
    }

    /// The webhook and the scheduled pull map an order the same way (RecordMapping.shopifyOrder): the
    /// version the webhook stored is not stored again by the pull's page.
    @Test func aPullOfTheVersionAWebhookStoredStoresNothingNew() throws {
        let server = try Self.server()
        guard server.databaseURL == nil else { return }  // the sync worker's SQLite store; PostgreSQL's is PostgresSyncStoreTests'
        let client = try RawClient(port: server.port)
        let body = Self.shopifyOrder()
        try client.send(Self.shopify(body))
        #expect(try client.readResponse().status == 200)
        let (record, order) = try RecordMapping.shopifyOrder(try JSONParser.parse(Array(body.utf8)))
        let sync = try SyncStore(path: server.dbPath, sqlDirectory: nil)
        let runID = try sync.beginRun(trigger: "test", scheduleTime: nil)
        let page = try sync.storePage(
            connector: "shopify", records: [record], orders: [order], state: ConnectorState(), runID: runID)
        #expect(page.ordersInserted == 0)
        #expect(try server.rowCount() == 1)
    }

    @Test func webhooksNeedNoBearerTokenButTheirSignatureAndCDCNeedsTheToken() throws {
        let server = try Self.server(authToken: "t0ken")
        let client = try RawClient(port: server.port)
        try client.send(Self.shopify(Self.shopifyOrder()))
        #expect(try client.readResponse().status == 200)
        try client.send(Self.shopify(Self.shopifyOrder(id: 2), signature: "bad"))
        #expect(try client.readResponse().status == 401)
        // Refused before its body is read: the server closes that connection.
        #expect(try Self.answer(server, Request.post(Self.debezium(op: "c", id: 5), path: "/cdc/debezium")).status == 401)
        let authorized = Request.post(
            Self.debezium(op: "c", id: 5), path: "/cdc/debezium", headers: ["Authorization: Bearer t0ken"])
        #expect(try Self.answer(server, authorized).status == 200)
        #expect(try server.rowCount() == 2)
    }

    @Test func anEndpointWithoutItsSecretAnswers503AndKeepsNothing() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(Self.shopify(Self.shopifyOrder()))
        let response = try client.readResponse()
        #expect(response.status == 503)
        #expect(response.text.contains("SHOPIFY_WEBHOOK_SECRET"))
        try client.send(Self.woo(Self.wooOrder()))
        #expect(try client.readResponse().status == 503)
        #expect(try count(server, "source_events") == 0)
    }

    @Test func hostileBodiesGetAClearStatusAndStoreNothing() throws {
        let server = try Self.server()
        let client = try RawClient(port: server.port)
        // Each on a connection of its own: a refusal before the body is read closes it.
        // Declared too large: refused before the body is read.
        let large = "POST /webhooks/shopify HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 3000000\r\n\r\n"
        #expect(try Self.answer(server, large).status == 413)
        // Not JSON, though signed: 400. A signed JSON that is no order: 422.
        #expect(try Self.answer(server, Self.shopify("this is not json")).status == 400)
        #expect(try Self.answer(server, Self.shopify(#"{"id":"x"}"#)).status == 422)
        #expect(try Self.answer(server, Self.shopify("[1,2]")).status == 422)
        // Wrong content type, and a coding events are not taken in.
        let plain = Self.shopify(Self.shopifyOrder()).replacingOccurrences(
            of: "Content-Type: application/json", with: "Content-Type: text/plain")
        #expect(try Self.answer(server, plain).status == 415)
        #expect(try Self.answer(server, Request.post("{}", path: "/cdc/debezium", headers: ["Content-Encoding: br"])).status == 415)
        // A missing topic header.
        let body = Self.shopifyOrder()
        let signature = WebhookSignature.sign(Array(body.utf8), with: WebhookSecret(Self.shopifySecret)!)
        let noTopic = Request.post(
            body, path: "/webhooks/shopify", headers: ["X-Shopify-Webhook-Id: w", "X-Shopify-Hmac-Sha256: \(signature)"])
        #expect(try Self.answer(server, noTopic).status == 400)
        // A chunked body past the limit (no length to refuse it by before reading).
        let chunk = String(repeating: " ", count: 1 << 20)
        let chunked = "POST /cdc/debezium HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + String(repeating: "100000\r\n\(chunk)\r\n", count: 3) + "0\r\n\r\n"
        #expect(try Self.answer(server, chunked).status == 413)
        #expect(try server.rowCount() == 0)
        #expect(try count(server, "source_events") == 0)
    }

    // MARK: - WooCommerce

    @Test func wooCommerceOrdersPingsAndDeletions() throws {
        let server = try Self.server()
        let client = try RawClient(port: server.port)
        // The creation ping: form-encoded, unsigned, answered, nothing kept.
        try client.send(
            Request.post("webhook_id=12", path: "/webhooks/woocommerce", headers: []).replacingOccurrences(
                of: "Content-Type: application/json", with: "Content-Type: application/x-www-form-urlencoded"))
        #expect(try client.readResponse().status == 200)
        #expect(try count(server, "source_events") == 0)

        try client.send(Self.woo(Self.wooOrder()))
        #expect(try client.readResponse().text == #"{"status":"applied","inserted":1,"unchanged":0}"#)
        // The same state delivered again (a new delivery id, as WooCommerce sends): a duplicate.
        try client.send(Self.woo(Self.wooOrder()))
        #expect(try client.readResponse().text == #"{"status":"duplicate","inserted":0,"unchanged":0}"#)
        try client.send(Self.woo(Self.wooOrder(status: "completed", modified: "2025-08-09T08:00:00")))
        #expect(try client.readResponse().text == #"{"status":"applied","inserted":1,"unchanged":0}"#)

        // Deleted: a tombstone version after the latest, history kept.
        try client.send(Self.woo(#"{"id":727}"#, topic: "order.deleted"))
        #expect(try client.readResponse().text == #"{"status":"applied","inserted":1,"unchanged":0}"#)
        try client.send(Request.get("/orders/727"))
        let order = try #require(try client.readResponse().json as? [String: Any])
        #expect((order["latest"] as? [String: Any])?["order_status"] as? String == "deleted")
        #expect(try server.rows("SELECT order_status FROM orders_raw ORDER BY seq") == [["processing"], ["completed"], ["deleted"]])
        // An order never stored has nothing to delete: recorded, ignored.
        try client.send(Self.woo(#"{"id":999}"#, topic: "order.deleted"))
        #expect(try client.readResponse().text == #"{"status":"ignored","inserted":0,"unchanged":0}"#)
        #expect(try server.rowCount() == 3)
        #expect(try count(server, "source_events", "source = 'woocommerce'") == 4)
    }

    // MARK: - Debezium

    /// A Debezium change event of the `orders` table, with the schema wrapper (as Debezium Server's
    /// HTTP sink posts it with `schemas.enable=true`) or without.
    static func debezium(
        op: String, id: Int, status: String = "new", lsn: Int = 100, changedAtMs: Int64 = 1_754_647_200_000,
        table: String = "orders", wrapped: Bool = false
    ) -> String {
        // With the schema the date is Debezium's io.debezium.time.Date (days since 1970); without it a
        // number cannot be told from a count (docs/realtime.md §3), so the row carries text.
        let date = wrapped ? "19212" : #""2022-08-08""#
        let row = #"{"order_id":\#(id),"order_date":\#(date),"order_status":"\#(status)","order_details":"Laptop"}"#
        let before = op == "d" ? row : "null"
        let after = op == "d" ? "null" : row
        let payload = """
            {"before":\(before),"after":\(after),"source":{"connector":"postgresql","db":"erp","schema":"public",\
            "table":"\(table)","lsn":\(lsn),"txId":7,"ts_ms":\(changedAtMs)},"op":"\(op)","ts_ms":\(changedAtMs + 40)}
            """
        guard wrapped else { return payload }
        let fields = """
            [{"type":"int64","field":"order_id"},{"type":"int32","name":"io.debezium.time.Date","field":"order_date"},\
            {"type":"string","field":"order_status"},{"type":"string","field":"order_details"}]
            """
        let schema = """
            {"type":"struct","fields":[{"type":"struct","fields":\(fields),"field":"before"},\
            {"type":"struct","fields":\(fields),"field":"after"}]}
            """
        return #"{"schema":\#(schema),"payload":\#(payload)}"#
    }

    @Test func changeEventsAppendVersionsAndAReplayStoresNothing() throws {
        let server = try Self.server()
        let client = try RawClient(port: server.port)
        let create = Self.debezium(op: "c", id: 1, lsn: 100, wrapped: true)
        try client.send(Request.post(create, path: "/cdc/debezium"))
        #expect(try client.readResponse().text == #"{"status":"applied","inserted":1,"unchanged":0}"#)
        #expect(
            try server.rows("SELECT order_id, order_date, order_status, updated_at, source FROM orders_raw")
                == [["1", "2022-08-08T00:00:00Z", "new", "2025-08-08T10:00:00.000Z", "debezium"]])
        let update = Self.debezium(op: "u", id: 1, status: "shipped", lsn: 200, changedAtMs: 1_754_650_800_000)
        try client.send(Request.post(update, path: "/cdc/debezium"))
        #expect(try client.readResponse().text == #"{"status":"applied","inserted":1,"unchanged":0}"#)
        // Debezium restarted and replays: the same positions again.
        for body in [create, update] {
            try client.send(Request.post(body, path: "/cdc/debezium"))
            #expect(try client.readResponse().text == #"{"status":"duplicate","inserted":0,"unchanged":0}"#)
        }
        let delete = Self.debezium(op: "d", id: 1, lsn: 300, changedAtMs: 1_754_654_400_000)
        try client.send(Request.post(delete, path: "/cdc/debezium"))
        #expect(try client.readResponse().text == #"{"status":"applied","inserted":1,"unchanged":0}"#)
        #expect(
            try server.rows("SELECT order_status, updated_at FROM orders_raw ORDER BY seq")
                == [["new", "2025-08-08T10:00:00.000Z"], ["shipped", "2025-08-08T11:00:00.000Z"],
                    ["deleted", "2025-08-08T12:00:00.000Z"]])
        try client.send(Request.get("/orders/1"))
        let latest = (try client.readResponse().json as? [String: Any])?["latest"] as? [String: Any]
        #expect(latest?["order_status"] as? String == "deleted")
        #expect(try count(server, "source_events", "source = 'debezium'") == 3)
    }

    @Test func changeEventsThatAreNoOrdersAreAcknowledgedOrRefusedClearly() throws {
        let server = try Self.server()
        let client = try RawClient(port: server.port)
        // Acknowledged, nothing stored: a tombstone body, a truncate, another table.
        for body in ["null", Self.debezium(op: "t", id: 1), Self.debezium(op: "c", id: 2, table: "invoices")] {
            try client.send(Request.post(body, path: "/cdc/debezium"))
            let response = try client.readResponse()
            #expect(response.status == 200, "\(body.prefix(40))")
            #expect(response.text.hasPrefix(#"{"status":"ignored""#))
        }
        // Refused: not a change event (400), a row that is no order (422).
        for (body, status) in [
            ("{", 400), (#"{"op":"c"}"#, 400), ("[]", 400),
            (Self.debezium(op: "c", id: 3).replacingOccurrences(of: #""order_date":"2022-08-08","#, with: ""), 422),
            (Self.debezium(op: "c", id: 3).replacingOccurrences(of: #""2022-08-08""#, with: "19212"), 422),
        ] {
            try client.send(Request.post(body, path: "/cdc/debezium"))
            #expect(try client.readResponse().status == status, "\(body.prefix(40))")
        }
        #expect(try server.rowCount() == 0)
        #expect(try count(server, "source_events") == 0)
        try client.send(Request.get("/metrics"))
        let metrics = try client.readResponse().text
        #expect(metrics.contains(#"ordersync_cdc_events_total{op="tombstone"} 1"#))
        #expect(metrics.contains(#"ordersync_cdc_events_total{op="t"} 1"#))
        #expect(metrics.contains(#"ordersync_source_events_total{source="debezium",outcome="refused"} 5"#))
    }

    /// Many senders at once, every delivery twice and shuffled: each distinct event stored once.
    @Test func concurrentRedeliveriesStoreEachEventOnce() throws {
        let server = try Self.server()
        var deliveries: [String] = []
        for id in 0..<60 {
            let body = Self.shopifyOrder(id: 1_000 + id, updatedAt: "2025-08-08T12:\(10 + id % 40):00Z")
            let request = Self.shopify(body, webhookID: "w-\(id)", eventID: "e-\(id)")
            deliveries += [request, request]
        }
        var generator = SystemRandomNumberGenerator()
        deliveries.shuffle(using: &generator)
        let statuses = Tally()
        let (port, shuffled) = (server.port, deliveries)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            guard let client = try? RawClient(port: port) else { return }
            for request in shuffled.enumerated().filter({ $0.offset % 8 == worker }).map(\.element) {
                try? client.send(request)
                let status = (try? client.readResponse().status) ?? -1
                statuses.add(status)
            }
        }
        #expect(statuses.counts == [200: 120])
        #expect(try server.rowCount() == 60)
        #expect(try count(server, "source_events") == 60)
    }
}

/// The secrets the tests' servers are configured with.
enum WebhookSecretForTests {
    static let shopify = WebhookSecret(EventEndpointTests.shopifySecret)
    static let wooCommerce = WebhookSecret(EventEndpointTests.wooSecret)
}

/// Statuses counted by the test's worker threads (an NSLock, which ThreadSanitizer follows).
private final class Tally: @unchecked Sendable {
    private var values: [Int: Int] = [:]
    private let lock = NSLock()

    func add(_ status: Int) {
        lock.lock()
        values[status, default: 0] += 1
        lock.unlock()
    }

    var counts: [Int: Int] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }
}
