package import OrderCore

/// The records webhooks bring (issue 12): Shopify customers, WooCommerce orders and customers. Shopify
/// orders use `shopifyOrder`, the pull connector's own mapping, so a webhook and a later pull of the
/// same version are one version (RecordMapping.swift).
extension RecordMapping {
    /// A Shopify customer (`customers/create`, `customers/update`): a source record of its own source,
    /// `shopify_customer`, so its ids never meet the orders' under `shopify`.
    package static func shopifyCustomer(_ value: JSONValue) throws(Problem) -> SourceRecord {
        guard case .object = value else { throw Problem(description: "a customer is \(value.typeName), not an object") }
        let id = try identifier(value["id"], field: "id")
        let updated = try optionalTime(value["updated_at"], field: "updated_at", id: id)
        return SourceRecord(
            source: "shopify_customer", sourceID: id, updatedAt: updated, payload: JSONWriter.canonical(value))
    }

    /// A WooCommerce order (REST v3 shape, docs/realtime.md §2): id as order id,
    /// date_created_gmt as order date, status, date_modified_gmt as updated_at, line_items as details;
    /// the whole object (billing.email included) is the payload.
    package static func wooCommerceOrder(_ value: JSONValue) throws(Problem) -> (SourceRecord, Order) {
        guard case .object = value else { throw Problem(description: "an order is \(value.typeName), not an object") }
        let id = try identifier(value["id"], field: "id")
        guard let created = try gmtTime(value["date_created_gmt"], field: "date_created_gmt", id: id) else {
            throw Problem(description: "order \(id): date_created_gmt is missing")
        }
        let updatedAt = try gmtTime(value["date_modified_gmt"], field: "date_modified_gmt", id: id)
        guard case .string(let status)? = value["status"], !status.trimmingSpaces().isEmpty else {
            throw Problem(description: "order \(id): status is missing or not a string")
        }
        let payload = JSONWriter.canonical(value)
        let details = lineItems(value)
        let order = Order(
            orderID: id, orderDate: Timestamp(rfc3339: created)?.secondsText ?? created,
            status: status.trimmingSpaces(), details: details, updatedAt: updatedAt, payload: payload)
        return (SourceRecord(source: "woocommerce", sourceID: id, updatedAt: updatedAt, payload: payload), order)
    }

    /// A WooCommerce customer (`customer.created`, `customer.updated`, …).
    package static func wooCommerceCustomer(_ value: JSONValue) throws(Problem) -> SourceRecord {
        guard case .object = value else { throw Problem(description: "a customer is \(value.typeName), not an object") }
        let id = try identifier(value["id"], field: "id")
        let updated = try gmtTime(value["date_modified_gmt"], field: "date_modified_gmt", id: id)
        return SourceRecord(
            source: "woocommerce_customer", sourceID: id, updatedAt: updated, payload: JSONWriter.canonical(value))
    }

    /// The id of a deleted resource (`{"id": N}`, all WooCommerce sends for one).
    package static func deletedID(_ value: JSONValue) throws(Problem) -> String {
        guard case .object = value else { throw Problem(description: "a deletion is \(value.typeName), not an object") }
        return try identifier(value["id"], field: "id")
    }

    /// WooCommerce's `*_gmt` times carry no offset (`2017-03-22T16:28:02`): they are UTC. Stored with
    /// milliseconds, as every provider time; nil when absent or null.
    static func gmtTime(_ value: JSONValue?, field: String, id: String) throws(Problem) -> String? {
        switch value {
        case .none, .null?: return nil
        case .string(let text)?:
            let utc = text.utf8.count == 19 ? text + "Z" : text
            if let stored = ProviderTime.stored(utc) { return stored }
        default: break
        }
        throw Problem(description: "record \(id): \(field) is not a date-time")
    }
}
