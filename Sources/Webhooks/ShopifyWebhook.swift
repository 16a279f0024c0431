internal import SyncCore

/// `POST /webhooks/shopify` without the HTTP and storage around it: the signature first, then the
/// headers and the topic's record (docs/realtime.md §1).
package enum ShopifyWebhook {
    package static let orderTopics: Set<String> = [
        "orders/create", "orders/updated", "orders/paid", "orders/fulfilled", "orders/cancelled",
    ]
    package static let customerTopics: Set<String> = ["customers/create", "customers/update"]

    package static func receive(body: [UInt8], headers: HeaderLookup, secret: WebhookSecret) throws(WebhookError)
        -> (WebhookDelivery, WebhookContent)
    {
        // Nothing of an unsigned body is read (the issue: "verify before anything is stored").
        guard WebhookSignature.isValid(headers("x-shopify-hmac-sha256"), body: body, secret: secret) else {
            throw WebhookError.badSignature
        }
        let topic = try WebhookError.required("x-shopify-topic", headers)
        let delivery = WebhookDelivery(
            source: "shopify", topic: topic, deliveryID: try WebhookError.required("x-shopify-webhook-id", headers),
            eventKey: headers("x-shopify-event-id"), triggeredAt: headers("x-shopify-triggered-at"))
        if orderTopics.contains(topic) {
            let (record, order) = try WebhookError.mapped(body, RecordMapping.shopifyOrder)
            return (delivery, .order(order, record))
        }
        if customerTopics.contains(topic) {
            return (delivery, .customer(try WebhookError.mapped(body, RecordMapping.shopifyCustomer)))
        }
        return (delivery, .ignored("topic \(topic.prefix(64)) is not one this service takes"))
    }
}
