/// One Shopify order of the data set. Times are whole seconds since 1970 (UTC), money is in cents.
struct FakeOrder: Sendable {
    /// The buyer as Shopify's nested `customer` object shows it.
    struct Customer: Sendable {
        var id: Int64
        var email: String?
        var firstName: String
        var lastName: String
    }

    struct LineItem: Sendable {
        var id: Int64
        var title: String
        var quantity: Int
        var priceCents: Int
        var sku: String
        var variantID: Int64
        var productID: Int64
    }

    var id: Int64
    /// 1, 2, 3…; `order_number` is 1000 more and `name` is `#` + order_number.
    var number: Int
    /// As the shop stored it: may be nil, empty, differently cased or padded with spaces.
    var email: String?
    var phone: String?
    var customer: Customer?
    var createdAt: Int64
    var updatedAt: Int64
    var cancelledAt: Int64?
    var cancelReason: String?
    var closedAt: Int64?
    var currency: String
    var lineItems: [LineItem]
    /// Tax in basis points of the subtotal (2100 = 21 %).
    var taxBasisPoints: Int
    var financialStatus: String
    /// Nil while nothing shipped (Shopify's `null`), else `fulfilled`, `partial` or `restocked`.
    var fulfillmentStatus: String?
    var tags: String

    var subtotalCents: Int { lineItems.reduce(0) { $0 + $1.priceCents * $1.quantity } }
    var taxCents: Int { (subtotalCents * taxBasisPoints + 5_000) / 10_000 }
    var totalCents: Int { subtotalCents + taxCents }

    /// Shopify's `status` filter: `open` = neither closed nor cancelled.
    var statusGroup: String {
        if cancelledAt != nil { return "cancelled" }
        return closedAt != nil ? "closed" : "open"
    }
}
