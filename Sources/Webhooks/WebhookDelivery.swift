package import OrderCore
internal import SyncCore

/// What one signed delivery brings (issue 12, items 1 and 2), decoded but not stored.
package enum WebhookContent: Equatable, Sendable {
    /// An order version, through the same mapping as the pull connector, and its source record.
    case order(Order, SourceRecord)
    /// A customer record.
    case customer(SourceRecord)
    /// The order was deleted in the shop: history stays, a tombstone version will record it.
    case deleted(orderID: String)
    /// Acknowledged and recorded, nothing else: a topic this service does not take, or WooCommerce's ping.
    case ignored(String)
}

/// A delivery's identity: what a redelivery repeats, for the dedup the storage does.
package struct WebhookDelivery: Equatable, Sendable {
    /// `shopify` or `woocommerce`.
    package let source: String
    package let topic: String
    /// Shopify: X-Shopify-Webhook-Id (the same across retries). WooCommerce: X-WC-Webhook-Delivery-ID
    /// (not a dedup key: WooCommerce sends a new one each time, docs/realtime.md §2).
    package let deliveryID: String?
    /// Shopify: X-Shopify-Event-Id (the same event through several subscriptions). WooCommerce: the
    /// resource and its date_modified_gmt, what the note says to dedup on.
    package let eventKey: String?
    /// Shopify: X-Shopify-Triggered-At.
    package let triggeredAt: String?
}

/// Why a delivery is refused; the status says how.
package struct WebhookError: Error, Equatable, Sendable {
    /// 401: the signature is missing or wrong (nothing is stored, the request is only counted).
    /// 400: a required header or the JSON is missing or broken. 422: the record cannot be mapped.
    package let status: Int
    package let detail: String

    init(_ status: Int, _ detail: String) {
        self.status = status
        self.detail = detail
    }
}

/// Header access without the HTTP layer's types: the value of a (lower-case) header name.
package typealias HeaderLookup = (String) -> String?

extension WebhookError {
    package static let badSignature = WebhookError(401, "the signature is missing or does not match the body")

    /// The body's record through `map`: 400 when the body is not JSON, 422 when the record is refused.
    static func mapped<T>(_ body: [UInt8], _ map: (JSONValue) throws(RecordMapping.Problem) -> T)
        throws(WebhookError) -> T
    {
        let value = try json(body)
        do {
            return try map(value)
        } catch {
            throw WebhookError(422, error.description)
        }
    }

    static func json(_ body: [UInt8]) throws(WebhookError) -> JSONValue {
        do {
            return try JSONParser.parse(body)
        } catch {
            throw WebhookError(400, "the body is not JSON: \(error)")
        }
    }

    /// Longest topic or delivery id taken (Shopify's are UUIDs and short paths).
    static let maxHeaderBytes = 256

    static func required(_ header: String, _ headers: HeaderLookup) throws(WebhookError) -> String {
        guard let value = headers(header), !value.isEmpty, value.utf8.count <= maxHeaderBytes else {
            throw WebhookError(400, "the \(header) header is missing or too long")
        }
        return value
    }
}
