import Foundation
import OrderCore
import SyncCore
import TestSupport
import Testing
import Webhooks

/// Webhook signatures and deliveries (Sources/Webhooks): the HMAC against RFC 4231 and against the
/// openssl command line, strict base64, and Shopify's and WooCommerce's deliveries, hostile ones included.
@Suite struct WebhookTests {
    private static let secret = WebhookSecret("shpss_0123456789abcdef")!

    @Test func base64FollowsRFC4648AndRefusesEveryOtherSpelling() {
        let vectors = [
            "": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=",
            "foobar": "Zm9vYmFy",
        ]
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
        for bad in ["Zg=", "Zh==", "Zm9=", "Z===", "Zm9v\n", "Zm=v", "Zm9vYg=A", "Zm9v Zm9v", "Zm9v-_==", "===="] {
            #expect(Base64.decode(bad) == nil, "\(bad)")
        }
        var random = SeededGenerator(seed: 3)
        for _ in 0..<500 {
            let bytes = (0..<random.below(40)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
    }

    /// RFC 4231 §4.3 (test case 2): key "Jefe", data "what do ya want for nothing?".
    @Test func theSignatureIsHMACSHA256AsRFC4231Gives() throws {
        let expected: [UInt8] = [
            0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7,
            0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
        ]
        let signature = WebhookSignature.sign(Array("what do ya want for nothing?".utf8), with: WebhookSecret("Jefe")!)
        #expect(signature == Base64.encode(expected))
    }

    /// The same as `openssl dgst -sha256 -hmac SECRET -binary | base64` for random bodies and secrets:
    /// what a user signing a test webhook by hand gets (README).
    @Test func theSignatureIsWhatOpenSSLComputes() throws {
        var random = SeededGenerator(seed: 9)
        for round in 0..<8 {
            let secret = "s3cret-\(round)-" + String(random.next(), radix: 36)
            let body = (0..<random.below(2_000)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let openssl = Process()
            openssl.executableURL = URL(fileURLWithPath: "/bin/sh")
            openssl.arguments = ["-c", "openssl dgst -sha256 -hmac \"$1\" -binary | base64", "sh", secret]
            let input = Pipe()
            let output = Pipe()
            openssl.standardInput = input
            openssl.standardOutput = output
            try openssl.run()
            input.fileHandleForWriting.write(Data(body))
            try input.fileHandleForWriting.close()
            let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            openssl.waitUntilExit()
            #expect(openssl.terminationStatus == 0)
            #expect(
                WebhookSignature.sign(body, with: WebhookSecret(secret)!)
                    == printed.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    @Test func onlyTheSignatureOfTheseExactBytesWithThisSecretIsValid() {
        let body = Array(#"{"id":1}"#.utf8)
        let signature = WebhookSignature.sign(body, with: Self.secret)
        #expect(WebhookSignature.isValid(signature, body: body, secret: Self.secret))
        #expect(!WebhookSignature.isValid(signature, body: Array(#"{"id":2}"#.utf8), secret: Self.secret))
        #expect(!WebhookSignature.isValid(signature, body: body + [0x20], secret: Self.secret))
        #expect(!WebhookSignature.isValid(signature, body: body, secret: WebhookSecret("other")!))
        for header in [
            nil, "", " ", String(signature.dropLast()), signature + "=", signature.lowercased(),
            "x" + signature.dropFirst(),
        ] {
            #expect(!WebhookSignature.isValid(header, body: body, secret: Self.secret), "\(header ?? "nil")")
        }
        #expect(WebhookSecret("") == nil)
        #expect("\(Self.secret)".contains("redacted") && !"\(Self.secret)".contains("shpss"))
    }

    // MARK: - Shopify

    static let shopifyOrder = """
        {"id":450789469,"email":"bob@example.com","created_at":"2025-08-08T10:00:00-04:00",
         "updated_at":"2025-08-08T12:30:00-04:00","financial_status":"paid","fulfillment_status":null,
         "cancelled_at":null,"line_items":[{"id":1,"title":"Laptop","quantity":1}]}
        """

    private static func shopifyHeaders(_ body: [UInt8], topic: String = "orders/updated", signed: Bool = true)
        -> [String: String]
    {
        var headers = [
            "x-shopify-topic": topic, "x-shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
            "x-shopify-event-id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
            "x-shopify-triggered-at": "2025-08-08T16:30:00Z",
            "x-shopify-shop-domain": "example.myshopify.com",
        ]
        if signed { headers["x-shopify-hmac-sha256"] = WebhookSignature.sign(body, with: Self.secret) }
        return headers
    }

    @Test func aSignedOrderWebhookIsTheVersionThePullWouldStore() throws {
        let body = Array(Self.shopifyOrder.utf8)
        let headers = Self.shopifyHeaders(body)
        let (delivery, content) = try ShopifyWebhook.receive(body: body, headers: { headers[$0] }, secret: Self.secret)
        #expect(delivery.source == "shopify" && delivery.topic == "orders/updated")
        #expect(delivery.deliveryID == "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
        #expect(delivery.eventKey == "98880550-7158-44d4-b7cd-2c97c8a091b5")
        let pulled = try RecordMapping.shopifyOrder(try JSONParser.parse(body))
        #expect(content == .order(pulled.1, pulled.0))
        guard case .order(let order, _) = content else { return }
        #expect(order.orderID == "450789469" && order.status == "paid")
        #expect(order.updatedAt == "2025-08-08T16:30:00.000Z")
    }

    @Test func customersAndOtherTopicsFromShopify() throws {
        let body = Array(#"{"id":706405506930370084,"email":"a@b.c","updated_at":"2025-08-08T10:00:00Z"}"#.utf8)
        let customer = Self.shopifyHeaders(body, topic: "customers/update")
        let (_, content) = try ShopifyWebhook.receive(body: body, headers: { customer[$0] }, secret: Self.secret)
        guard case .customer(let record) = content else {
            Issue.record("a customer topic gives a customer record: \(content)")
            return
        }
        #expect(record.source == "shopify_customer" && record.sourceID == "706405506930370084")
        let other = Self.shopifyHeaders(body, topic: "products/create")
        let (_, ignored) = try ShopifyWebhook.receive(body: body, headers: { other[$0] }, secret: Self.secret)
        guard case .ignored(let reason) = ignored else {
            Issue.record("an unknown topic is acknowledged and ignored")
            return
        }
        #expect(reason.contains("products/create"))
    }

    /// Hostile deliveries: each refused with its status; an unsigned or mis-signed one is 401 whatever
    /// else is wrong with it (nothing of it is read).
    @Test func brokenShopifyDeliveriesGetTheirStatus() {
        let body = Array(Self.shopifyOrder.utf8)
        func status(_ body: [UInt8], _ headers: [String: String]) -> Int? {
            do {
                _ = try ShopifyWebhook.receive(body: body, headers: { headers[$0] }, secret: Self.secret)
                return nil
            } catch {
                return error.status
            }
        }
        #expect(status(body, Self.shopifyHeaders(body, signed: false)) == 401)
        var wrong = Self.shopifyHeaders(body)
        wrong["x-shopify-hmac-sha256"] = WebhookSignature.sign(Array("other".utf8), with: Self.secret)
        #expect(status(body, wrong) == 401, "a valid signature over a different body")
        #expect(status(Array("not json".utf8), Self.shopifyHeaders(Array("not json".utf8), signed: false)) == 401)
        #expect(status(Array("not json".utf8), Self.shopifyHeaders(Array("not json".utf8))) == 400)
        var noID = Self.shopifyHeaders(body)
        noID["x-shopify-webhook-id"] = nil
        #expect(status(body, noID) == 400)
        var noTopic = Self.shopifyHeaders(body)
        noTopic["x-shopify-topic"] = nil
        #expect(status(body, noTopic) == 400)
        let noDate = Array(#"{"id":1,"financial_status":"paid"}"#.utf8)
        #expect(status(noDate, Self.shopifyHeaders(noDate)) == 422)
        let array = Array("[1,2]".utf8)
        #expect(status(array, Self.shopifyHeaders(array)) == 422)
        let truncated = Array(body.prefix(40))
        #expect(status(truncated, Self.shopifyHeaders(truncated)) == 400)
    }

    // MARK: - WooCommerce

    static let wooOrder = """
        {"id":727,"status":"processing","date_created":"2025-08-08T12:00:00","date_created_gmt":"2025-08-08T10:00:00",
         "date_modified_gmt":"2025-08-08T10:05:00","billing":{"email":"john.doe@example.com"},
         "line_items":[{"id":315,"name":"Woo Single #1","quantity":2}]}
        """

    private static func wooHeaders(_ body: [UInt8], topic: String = "order.updated", signed: Bool = true) -> [String:
        String]
    {
        var headers = [
            "x-wc-webhook-topic": topic, "x-wc-webhook-source": "https://shop.example.com/",
            "x-wc-webhook-delivery-id": "8f1b9c", "x-wc-webhook-id": "12",
        ]
        if signed { headers["x-wc-webhook-signature"] = WebhookSignature.sign(body, with: Self.secret) }
        return headers
    }

    @Test func aSignedWooCommerceOrderMapsItsGMTTimes() throws {
        let body = Array(Self.wooOrder.utf8)
        let headers = Self.wooHeaders(body)
        let (delivery, content) = try WooCommerceWebhook.receive(
            body: body, headers: { headers[$0] }, secret: Self.secret)
        guard case .order(let order, let record) = content else {
            Issue.record("an order topic gives an order: \(content)")
            return
        }
        #expect(order.orderID == "727" && order.status == "processing")
        #expect(order.orderDate == "2025-08-08T10:00:00Z")
        #expect(order.updatedAt == "2025-08-08T10:05:00.000Z")
        #expect(order.details?.contains("Woo Single #1") == true)
        #expect(String(decoding: order.payload, as: UTF8.self).contains("john.doe@example.com"))
        #expect(record.source == "woocommerce")
        #expect(delivery.eventKey == "https://shop.example.com/|order|727|2025-08-08T10:05:00.000Z")
    }

    @Test func aDeletedOrderComesAsItsIdAlone() throws {
        let body = Array(#"{"id":727}"#.utf8)
        let headers = Self.wooHeaders(body, topic: "order.deleted")
        let (delivery, content) = try WooCommerceWebhook.receive(
            body: body, headers: { headers[$0] }, secret: Self.secret)
        #expect(content == .deleted(orderID: "727"))
        #expect(delivery.eventKey == "https://shop.example.com/|order.deleted|727")
        let empty = Array("{}".utf8)
        let emptyHeaders = Self.wooHeaders(empty, topic: "order.deleted")
        #expect(throws: WebhookError.self) {
            try WooCommerceWebhook.receive(body: empty, headers: { emptyHeaders[$0] }, secret: Self.secret)
        }
    }

    @Test func theUnsignedCreationPingIsAcknowledgedAndNothingElseUnsignedIs() throws {
        let ping = Array("webhook_id=12".utf8)
        let (_, content) = try WooCommerceWebhook.receive(body: ping, headers: { _ in nil }, secret: Self.secret)
        guard case .ignored = content else {
            Issue.record("the ping is acknowledged")
            return
        }
        for body in ["webhook_id=", "webhook_id=12&x=1", "webhook_id=١٢", Self.wooOrder] {
            let bytes = Array(body.utf8)
            let headers = Self.wooHeaders(bytes, signed: false)
            #expect(throws: WebhookError.badSignature) {
                try WooCommerceWebhook.receive(body: bytes, headers: { headers[$0] }, secret: Self.secret)
            }
        }
    }

    @Test func brokenWooCommerceOrdersAreRefused() {
        for (text, status) in [
            (#"{"id":1,"status":"x"}"#, 422), (#"{"id":1,"date_created_gmt":"2025-08-08T10:00:00"}"#, 422),
            (#"{"id":1,"status":"x","date_created_gmt":"yesterday"}"#, 422), ("{", 400),
        ] {
            let body = Array(text.utf8)
            let headers = Self.wooHeaders(body)
            #expect(throws: WebhookError.self, "\(text)") {
                try WooCommerceWebhook.receive(body: body, headers: { headers[$0] }, secret: Self.secret)
            }
            do {
                _ = try WooCommerceWebhook.receive(body: body, headers: { headers[$0] }, secret: Self.secret)
            } catch {
                #expect(error.status == status, "\(text): \(error.detail)")
            }
        }
    }
}
