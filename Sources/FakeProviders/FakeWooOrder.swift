import OrderCore

/// One WooCommerce order of the data set, rendered as REST v3 renders it (docs/providers.md §3): ids
/// as integers, money as strings, `*_gmt` times in UTC without an offset and the others in the site's
/// zone, also without one. Times are whole seconds since 1970 (UTC), money in cents.
struct FakeWooOrder: Sendable {
    struct LineItem: Sendable {
        var id: Int64
        var name: String
        var productID: Int64
        var quantity: Int
        var priceCents: Int
        var sku: String
    }

    var id: Int64
    var status: String
    var currency: String
    var created: Int64
    var modified: Int64
    var paid: Int64?
    var completed: Int64?
    /// 0 for a guest.
    var customerID: Int64
    var firstName: String
    var lastName: String
    /// Empty for a guest checkout without an email (WooCommerce sends `""`, never null).
    var email: String
    var phone: String
    var city: String
    var lineItems: [LineItem]

    /// The site's time zone: UTC+01:00 without daylight saving time (as Africa/Lagos), so the local
    /// times differ from the `_gmt` ones and a client that forgets `dates_are_gmt` is off by an hour.
    static let siteOffset = 3_600

    var totalCents: Int { lineItems.reduce(0) { $0 + $1.priceCents * $1.quantity } }

    /// `2024-05-02T09:15:00`: WooCommerce's format, no offset.
    static func time(_ seconds: Int64, offset: Int) -> String {
        String(LocalTime.format(seconds, offset: offset).dropLast(6))
    }

    var json: JSONValue {
        func times(_ name: String, _ seconds: Int64?) -> [(String, JSONValue)] {
            [
                (name, JSON.string(seconds.map { Self.time($0, offset: Self.siteOffset) })),
                (name + "_gmt", JSON.string(seconds.map { Self.time($0, offset: 0) })),
            ]
        }
        let address: [(String, JSONValue)] = [
            ("first_name", .string(firstName)), ("last_name", .string(lastName)), ("company", .string("")),
            ("address_1", .string("\(id % 200 + 1) High Street")), ("address_2", .string("")),
            ("city", .string(city)), ("state", .string("")), ("postcode", .string(String(10_000 + id % 80_000))),
            ("country", .string("ES")),
        ]
        let total = JSON.money(totalCents)
        var members: [(String, JSONValue)] = [
            ("id", JSON.int(id)), ("parent_id", JSON.int(0)), ("number", .string(String(id))),
            ("order_key", .string("wc_order_\(String(UInt64(id) &* 2_654_435_761 % 1_000_000_007, radix: 36))")),
            ("created_via", .string("checkout")), ("version", .string("9.4.2")), ("status", .string(status)),
            ("currency", .string(currency)), ("prices_include_tax", .bool(false)),
            ("discount_total", .string("0.00")), ("shipping_total", .string("0.00")), ("total", total),
            ("total_tax", .string("0.00")), ("customer_id", JSON.int(customerID)),
            ("billing", JSON.object(address + [("email", .string(email)), ("phone", .string(phone))])),
            ("shipping", JSON.object(address + [("phone", .string(""))])),
            ("payment_method", .string("bacs")), ("payment_method_title", .string("Direct bank transfer")),
            ("transaction_id", .string("")), ("customer_note", .string("")),
            ("line_items", .array(lineItems.map(\.json))), ("meta_data", .array([])),
        ]
        members +=
            times("date_created", created) + times("date_modified", modified) + times("date_paid", paid)
            + times("date_completed", completed)
        return JSON.object(members)
    }
}

extension FakeWooOrder.LineItem {
    var json: JSONValue {
        JSON.object([
            ("id", JSON.int(id)), ("name", .string(name)), ("product_id", JSON.int(productID)),
            ("variation_id", JSON.int(0)), ("quantity", JSON.int(quantity)),
            ("subtotal", JSON.money(priceCents * quantity)), ("total", JSON.money(priceCents * quantity)),
            ("sku", .string(sku)), ("price", .number(String(Double(priceCents) / 100))),
        ])
    }
}
