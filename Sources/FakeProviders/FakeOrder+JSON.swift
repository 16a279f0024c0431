import OrderCore

/// Orders as Shopify's REST Admin API renders them (docs/providers.md §1): ids as integers, money as strings,
/// times with the shop's offset, `null` for what is unset.
extension FakeOrder {
    /// The whole order, or only the top-level `fields` named (`fields=id,updated_at`).
    func json(fields: Set<String>? = nil) -> JSONValue {
        let contactEmail: String? = (email?.isEmpty ?? true) ? nil : email
        var members: [(String, JSONValue)] = [
            ("id", JSON.int(id)),
            ("admin_graphql_api_id", .string("gid://shopify/Order/\(id)")),
            ("name", .string("#\(1_000 + number)")),
            ("number", JSON.int(number)),
            ("order_number", JSON.int(1_000 + number)),
            ("email", JSON.string(email)),
            ("contact_email", JSON.string(contactEmail)),
            ("phone", JSON.string(phone)),
            ("created_at", .string(LocalTime.shopify(createdAt))),
            ("updated_at", .string(LocalTime.shopify(updatedAt))),
            ("processed_at", .string(LocalTime.shopify(createdAt))),
            ("cancelled_at", JSON.string(cancelledAt.map(LocalTime.shopify))),
            ("cancel_reason", JSON.string(cancelReason)),
            ("closed_at", JSON.string(closedAt.map(LocalTime.shopify))),
            ("currency", .string(currency)),
            ("presentment_currency", .string(currency)),
            ("subtotal_price", JSON.money(subtotalCents)),
            ("total_tax", JSON.money(taxCents)),
            ("total_price", JSON.money(totalCents)),
            ("financial_status", .string(financialStatus)),
            ("fulfillment_status", JSON.string(fulfillmentStatus)),
            ("line_items", .array(lineItems.map(\.json))),
            ("customer", customer.map { $0.json(createdAt: createdAt) } ?? .null),
            ("billing_address", address),
            ("shipping_address", address),
            ("tags", .string(tags)),
            ("test", .bool(false)),
        ]
        if let fields { members.removeAll { !fields.contains($0.0) } }
        return JSON.object(members)
    }

    private var address: JSONValue {
        guard let customer else { return .null }
        return JSON.object([
            ("first_name", .string(customer.firstName)), ("last_name", .string(customer.lastName)),
            ("address1", .string("\(number % 200 + 1) Main Street")),
            ("city", .string(Vocabulary.cities[number % Vocabulary.cities.count])),
            ("zip", .string(String(10_000 + number % 80_000))), ("country_code", .string("US")),
            ("phone", JSON.string(phone)), ("company", .null),
        ])
    }
}

extension FakeOrder.LineItem {
    var json: JSONValue {
        JSON.object([
            ("id", JSON.int(id)), ("title", .string(title)), ("name", .string(title)),
            ("quantity", JSON.int(quantity)), ("price", JSON.money(priceCents)), ("sku", .string(sku)),
            ("variant_id", JSON.int(variantID)), ("product_id", JSON.int(productID)),
        ])
    }
}

extension FakeOrder.Customer {
    func json(createdAt: Int64) -> JSONValue {
        JSON.object([
            ("id", JSON.int(id)), ("email", JSON.string(email)), ("first_name", .string(firstName)),
            ("last_name", .string(lastName)), ("created_at", .string(LocalTime.shopify(createdAt))),
            ("state", .string("enabled")),
        ])
    }
}
