internal import Crypto
package import OrderCore
package import Storage

/// Turns a verified delivery or a change event into the `SourceEvent` the storage keeps
/// (docs/realtime.md §4): its dedup keys, checksum, event time and effect.
package enum SourceEvents {
    /// `POST /webhooks/shopify`: the signature first (WebhookError 401), then the delivery. The event
    /// key is the shop's event id (the same across retries and across subscriptions), the webhook id a
    /// second key (docs/realtime.md §1).
    package static func shopify(body: [UInt8], headers: HeaderLookup, secret: WebhookSecret, now: Timestamp)
        throws(WebhookError) -> SourceEvent
    {
        let (delivery, content) = try ShopifyWebhook.receive(body: body, headers: headers, secret: secret)
        let shop = headers("x-shopify-shop-domain").map { String($0.prefix(WebhookError.maxHeaderBytes)) } ?? ""
        let webhookKey = "shopify|\(shop)|webhook|\(delivery.deliveryID ?? "")"
        let key = delivery.eventKey.map { "shopify|\(shop)|event|\($0.prefix(WebhookError.maxHeaderBytes))" }
        let triggered = delivery.triggeredAt.flatMap { Timestamp(rfc3339: $0) }?.millisecondsText
        return event(
            key: key ?? webhookKey, deliveryKey: key == nil ? nil : webhookKey, source: "shopify",
            type: delivery.topic, body: body, triggeredAt: triggered, now: now, content: content)
    }

    /// `POST /webhooks/woocommerce`: nil for the unsigned creation ping (answered, nothing kept). The
    /// event key is the resource and its modification time: WooCommerce's delivery id changes on every
    /// delivery (docs/realtime.md §2).
    package static func wooCommerce(body: [UInt8], headers: HeaderLookup, secret: WebhookSecret, now: Timestamp)
        throws(WebhookError) -> SourceEvent?
    {
        let (delivery, content) = try WooCommerceWebhook.receive(body: body, headers: headers, secret: secret)
        if delivery.topic == "ping" { return nil }
        let shop = headers("x-wc-webhook-source").map { String($0.prefix(WebhookError.maxHeaderBytes)) } ?? ""
        // Topics this service does not take have no resource key: the body itself identifies them.
        let key = delivery.eventKey.map { "woocommerce|\($0)" } ?? "woocommerce|\(shop)|\(delivery.topic)|\(checksum(body))"
        return event(
            key: key, deliveryKey: nil, source: "woocommerce", type: delivery.topic, body: body, triggeredAt: nil,
            now: now, content: content)
    }

    private static func event(
        key: String, deliveryKey: String?, source: String, type: String, body: [UInt8], triggeredAt: String?,
        now: Timestamp, content: WebhookContent
    ) -> SourceEvent {
        let sourceID: String?
        let effect: SourceEvent.Effect
        var eventTime = triggeredAt
        switch content {
        case .order(let order, let record):
            (sourceID, effect) = (order.orderID, .store(orders: [order], records: [record]))
            eventTime = order.updatedAt ?? eventTime
        case .customer(let record):
            (sourceID, effect) = (record.sourceID, .store(orders: [], records: [record]))
            eventTime = record.updatedAt ?? eventTime
        case .deleted(let orderID):
            (sourceID, effect) = (orderID, .delete(orderID: orderID, at: eventTime ?? now.millisecondsText))
        case .ignored(let reason):
            (sourceID, effect) = (nil, .ignore(reason))
        }
        return SourceEvent(
            key: key, deliveryKey: deliveryKey, source: source, sourceID: sourceID, type: type, payload: body,
            checksum: checksum(body), eventTime: eventTime, effect: effect)
    }

    /// What a Debezium change event becomes: an event to keep, or a reason to acknowledge it and keep
    /// nothing (a tombstone body, a truncate, another table: the HTTP sink must not stall on them,
    /// docs/realtime.md §3).
    package enum Change: Sendable {
        case event(SourceEvent, ChangeEvent)
        case ignored(String, ChangeEvent?)
    }

    /// `POST /cdc/debezium`: 400 for a body that is not a change event, 422 for a row that is not an
    /// order. The key is the table, the row's key and the log position.
    package static func debezium(body: [UInt8], mapping: CDCOrderMapping, now: Timestamp) throws(WebhookError) -> Change {
        let decoded: ChangeEvent?
        switch ChangeEvent.decode(body) {
        case .success(let event): decoded = event
        case .failure(let error): throw WebhookError(400, error.message)
        }
        guard let change = decoded else { return .ignored("a tombstone (null) body: nothing to store", nil) }
        let effect: SourceEvent.Effect
        let orderID: String
        switch mapping.action(for: change) {
        case .ignore(let reason):
            return .ignored(reason, change)
        case .append(let item):
            var problems: [ItemProblem] = []
            guard let order = OrderValidator.validate(item, index: 0, problems: &problems) else {
                let reasons = problems.map { "\($0.field ?? "row"): \($0.problem)" }.joined(separator: "; ")
                throw WebhookError(422, "the \(mapping.table) row is not an order: \(reasons)")
            }
            (orderID, effect) = (order.orderID, .store(orders: [order], records: []))
        case .tombstone(let id, let at):
            guard let text = identifier(id) else {
                throw WebhookError(422, "the deleted row's \(mapping.column("order_id")) is not a string or an integer")
            }
            (orderID, effect) = (text, .delete(orderID: text, at: (at ?? now).millisecondsText))
        }
        let table = [change.database, change.schema, change.table].map { $0 ?? "" }.joined(separator: ".")
        let event = SourceEvent(
            key: "debezium|\(change.connector)|\(table)|\(orderID)|\(change.position)", source: "debezium",
            sourceID: orderID, type: change.operation.rawValue, payload: body, checksum: checksum(body),
            eventTime: change.changedAt?.millisecondsText, effect: effect)
        return .event(event, change)
    }

    /// An order id as OrderValidator takes it: a string, or an integer's decimal text.
    private static func identifier(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text.isEmpty ? nil : text
        case .number(let text): JSONNumber.integerText(text)
        default: nil
        }
    }

    /// SHA-256 of `bytes`, lower-case hex.
    static func checksum(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
