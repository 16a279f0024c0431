/// The filters and sort order of one `orders.json` listing. The first request sets them; `page_info`
/// cursors carry them frozen (with the position), as Shopify's do.
struct ShopifyOrderQuery: Sendable, Equatable {
    enum SortField: String, Sendable {
        case id, createdAt = "created_at", updatedAt = "updated_at", processedAt = "processed_at"
    }

    /// `open` by default: a client that forgets `status=any` misses closed and cancelled orders.
    var status = "open"
    var financialStatus: String?
    var fulfillmentStatus: String?
    /// Inclusive bounds, seconds since 1970.
    var updatedMin: Int64?
    var updatedMax: Int64?
    var createdMin: Int64?
    var createdMax: Int64?
    var processedMin: Int64?
    var processedMax: Int64?
    var sinceID: Int64?
    var ids: [Int64]?
    /// Without `order`, newest first: `id desc` (the fake's documented default).
    var sortField = SortField.id
    var ascending = false

    static let statuses: Set = ["open", "closed", "cancelled", "any"]
    static let financialStatuses: Set = [
        "authorized", "pending", "paid", "partially_paid", "refunded", "voided", "partially_refunded", "any", "unpaid",
    ]
    static let fulfillmentStatuses: Set = ["shipped", "partial", "unshipped", "unfulfilled", "any"]

    func matches(_ order: FakeOrder) -> Bool {
        if status != "any" && order.statusGroup != status { return false }
        if let financialStatus, financialStatus != "any" {
            let unpaid = ["pending", "authorized", "partially_paid"].contains(order.financialStatus)
            if financialStatus == "unpaid" ? !unpaid : order.financialStatus != financialStatus { return false }
        }
        switch fulfillmentStatus {
        case "shipped": if order.fulfillmentStatus != "fulfilled" { return false }
        case "partial": if order.fulfillmentStatus != "partial" { return false }
        case "unshipped": if order.fulfillmentStatus != nil { return false }
        case "unfulfilled": if order.fulfillmentStatus != nil && order.fulfillmentStatus != "partial" { return false }
        default: break
        }
        return within(order.updatedAt, updatedMin, updatedMax) && within(order.createdAt, createdMin, createdMax)
            && within(order.createdAt, processedMin, processedMax) && order.id > (sinceID ?? Int64.min)
            && (ids?.contains(order.id) ?? true)
    }

    private func within(_ value: Int64, _ low: Int64?, _ high: Int64?) -> Bool {
        value >= (low ?? Int64.min) && value <= (high ?? Int64.max)
    }

    /// Where an order sits in the sort order: its sort value, then its id.
    func key(_ order: FakeOrder) -> Key {
        switch sortField {
        case .id: Key(value: order.id, id: order.id)
        case .createdAt, .processedAt: Key(value: order.createdAt, id: order.id)
        case .updatedAt: Key(value: order.updatedAt, id: order.id)
        }
    }

    struct Key: Sendable, Equatable {
        var value: Int64
        var id: Int64

        func precedes(_ other: Key, ascending: Bool) -> Bool {
            let less = value != other.value ? value < other.value : id < other.id
            return ascending ? less : (self != other && !less)
        }
    }

    /// The matching orders in sort order.
    func select(from orders: [FakeOrder]) -> [FakeOrder] {
        // Keys computed once and small values sorted: the orders themselves are large to move.
        let keyed = orders.indices.filter { matches(orders[$0]) }.map { (key: key(orders[$0]), index: $0) }
        return keyed.sorted { $0.key.precedes($1.key, ascending: ascending) }.map { orders[$0.index] }
    }
}
