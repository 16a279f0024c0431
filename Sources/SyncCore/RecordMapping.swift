package import OrderCore

/// Turns provider records into what ordersync stores. No I/O: each function takes one parsed record.
package enum RecordMapping {
    /// Why a record cannot be stored (it is skipped and reported, never silently dropped).
    package struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        package let description: String
    }

    /// A Shopify order (docs/providers.md §1): its source record, and its row for orders_raw.
    ///
    /// order_status, from the order's states (first that applies): `cancelled` when cancelled_at is
    /// set; `refunded` / `partially_refunded` / `voided` from financial_status; `fulfilled` /
    /// `partially_fulfilled` from fulfillment_status (`fulfilled` / `partial`); else the
    /// financial_status (`paid`, `pending`, `authorized`, …), else `open`.
    package static func shopifyOrder(_ value: JSONValue) throws(Problem) -> (SourceRecord, Order) {
        guard case .object = value else { throw Problem(description: "an order is \(value.typeName), not an object") }
        let id = try identifier(value["id"], field: "id")
        guard let createdText = value["created_at"].flatMap(text), let created = Timestamp(rfc3339: createdText) else {
            throw Problem(description: "order \(id): created_at is missing or not a date-time")
        }
        let updatedAt = try optionalTime(value["updated_at"], field: "updated_at", id: id)
        let payload = JSONWriter.canonical(value)
        let details = lineItems(value)
        let order = Order(
            orderID: id, orderDate: created.secondsText, status: shopifyStatus(value), details: details,
            updatedAt: updatedAt, payload: payload)
        return (SourceRecord(source: "shopify", sourceID: id, updatedAt: updatedAt, payload: payload), order)
    }

    /// An order's `line_items` as canonical JSON text, its details column (Shopify and WooCommerce alike).
    static func lineItems(_ order: JSONValue) -> String? {
        switch order["line_items"] {
        case .none, .null?: nil
        case let items?: String(decoding: JSONWriter.canonical(items), as: UTF8.self)
        }
    }

    static func shopifyStatus(_ order: JSONValue) -> String {
        if let cancelled = order["cancelled_at"], cancelled != .null { return "cancelled" }
        let financial = order["financial_status"].flatMap(text)
        if let financial, ["refunded", "partially_refunded", "voided"].contains(financial) { return financial }
        switch order["fulfillment_status"].flatMap(text) {
        case "fulfilled"?: return "fulfilled"
        case "partial"?: return "partially_fulfilled"
        default: break
        }
        if let financial, !financial.isEmpty { return financial }
        return "open"
    }

    /// A Zoho CRM contact (docs/providers.md §2); its provider time is Modified_Time.
    package static func zohoContact(_ value: JSONValue) throws(Problem) -> SourceRecord {
        guard case .object = value else { throw Problem(description: "a contact is \(value.typeName), not an object") }
        let id = try identifier(value["id"], field: "id")
        let modified = try optionalTime(value["Modified_Time"], field: "Modified_Time", id: id)
        return SourceRecord(source: "zoho", sourceID: id, updatedAt: modified, payload: JSONWriter.canonical(value))
    }

    /// A user of the generic paginated source (docs/providers.md §5); it has no modification time.
    package static func customer(_ value: JSONValue) throws(Problem) -> SourceRecord {
        guard case .object = value else { throw Problem(description: "a user is \(value.typeName), not an object") }
        let id = try identifier(value["id"], field: "id")
        let updated = try optionalTime(value["updated_at"], field: "updated_at", id: id)
        return SourceRecord(source: "customers", sourceID: id, updatedAt: updated, payload: JSONWriter.canonical(value))
    }

    /// Ids are integers (Shopify's int64, reqres) or digit strings (Zoho): kept as decimal text.
    static func identifier(_ value: JSONValue?, field: String) throws(Problem) -> String {
        switch value {
        case .number(let number)?:
            if let integer = JSONNumber.integerText(number) { return integer }
        case .string(let string)?:
            let trimmed = string.trimmingSpaces()
            if !trimmed.isEmpty && trimmed.utf8.count <= 256 { return trimmed }
        default: break
        }
        throw Problem(description: "\(field) is missing or not an integer or non-empty string")
    }

    static func optionalTime(_ value: JSONValue?, field: String, id: String) throws(Problem) -> String? {
        switch value {
        case .none, .null?: return nil
        case .string(let string)?:
            if let stored = ProviderTime.stored(string) { return stored }
        default: break
        }
        throw Problem(description: "record \(id): \(field) is not an RFC 3339 date-time")
    }

    static func text(_ value: JSONValue) -> String? {
        if case .string(let string) = value { return string }
        return nil
    }
}
