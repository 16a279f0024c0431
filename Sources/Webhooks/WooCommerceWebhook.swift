internal import SyncCore

/// `POST /webhooks/woocommerce` without the HTTP and storage around it (docs/realtime.md §2): the
/// unsigned creation ping (`webhook_id=N`, form-encoded) is answered and ignored; everything else must
/// carry X-WC-Webhook-Signature.
package enum WooCommerceWebhook {
    package static let orderTopics: Set<String> = ["order.created", "order.updated", "order.restored"]

    package static func receive(body: [UInt8], headers: HeaderLookup, secret: WebhookSecret) throws(WebhookError)
        -> (WebhookDelivery, WebhookContent)
    {
        if isPing(body, headers: headers) {
            return (
                WebhookDelivery(source: "woocommerce", topic: "ping", deliveryID: nil, eventKey: nil, triggeredAt: nil),
                .ignored("the webhook's creation ping")
            )
        }
        guard WebhookSignature.isValid(headers("x-wc-webhook-signature"), body: body, secret: secret) else {
            throw WebhookError.badSignature
        }
        let topic = try WebhookError.required("x-wc-webhook-topic", headers)
        let deliveryID = headers("x-wc-webhook-delivery-id")
        if orderTopics.contains(topic) {
            let (record, order) = try WebhookError.mapped(body, RecordMapping.wooCommerceOrder)
            let delivery = WebhookDelivery(
                source: "woocommerce", topic: topic, deliveryID: deliveryID,
                eventKey: "\(headers("x-wc-webhook-source") ?? "")|order|\(order.orderID)|\(order.updatedAt ?? "")",
                triggeredAt: nil)
            return (delivery, .order(order, record))
        }
        if topic == "order.deleted" {
            // A deleted resource is sent as {"id": N} alone (docs/realtime.md §2).
            let id = try WebhookError.mapped(body, RecordMapping.deletedID)
            let delivery = WebhookDelivery(
                source: "woocommerce", topic: topic, deliveryID: deliveryID,
                eventKey: "\(headers("x-wc-webhook-source") ?? "")|order.deleted|\(id)", triggeredAt: nil)
            return (delivery, .deleted(orderID: id))
        }
        if topic.hasPrefix("customer.") {
            let record = try WebhookError.mapped(body, RecordMapping.wooCommerceCustomer)
            let delivery = WebhookDelivery(
                source: "woocommerce", topic: topic, deliveryID: deliveryID,
                eventKey:
                    "\(headers("x-wc-webhook-source") ?? "")|customer|\(record.sourceID)|\(record.updatedAt ?? "")",
                triggeredAt: nil)
            return (delivery, .customer(record))
        }
        let delivery = WebhookDelivery(
            source: "woocommerce", topic: topic, deliveryID: deliveryID, eventKey: nil, triggeredAt: nil)
        return (delivery, .ignored("topic \(topic.prefix(64)) is not one this service takes"))
    }

    /// Longer bodies are never taken for the ping (`webhook_id=` and an id's digits).
    static let maxPingBytes = 64

    /// The ping WooCommerce sends when a webhook is saved: `webhook_id=<digits>` as a form body, no
    /// signature (class-wc-webhook.php, deliver_ping).
    static func isPing(_ body: [UInt8], headers: HeaderLookup) -> Bool {
        guard headers("x-wc-webhook-signature") == nil, body.count <= maxPingBytes else { return false }
        let text = String(decoding: body, as: UTF8.self)
        guard text.hasPrefix("webhook_id=") else { return false }
        let digits = text.dropFirst("webhook_id=".count)
        return !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
    }
}
