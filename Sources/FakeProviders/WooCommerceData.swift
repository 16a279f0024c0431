import OrderCore

/// The WooCommerce store's orders: generated from the seed with a generator of their own, so adding
/// them changes nothing in the Shopify, Zoho and reqres data. Buyers come from the Zoho contacts (so
/// orders merge with customers), every 10th order (index ≡ 1 mod 10) is a guest without an email.
/// Orders at index ≡ 0, 1, 2 mod 9 share one `date_modified_gmt` (groups of three), so a client whose
/// bound falls inside such a second must fetch the group again to lose nothing.
struct WooCommerceData: Sendable {
    var orders: [FakeWooOrder] = []
    private var random: SplitMix64
    /// The next mutation's time: after every generated time, like `DataSet.clock`.
    private var clock = DataSet.mutationClockStart
    private var nextLineItemID: Int64 = 900

    static let statuses = [
        "pending", "processing", "on-hold", "completed", "completed", "completed", "cancelled", "refunded",
    ]

    init(seed: UInt64, count: Int, buyers: [FakeContact]) {
        // A stream of its own from the same seed ("WCOOMMER" in ASCII keeps it apart from DataSet's).
        random = SplitMix64(seed: seed ^ 0x5743_4F4F_4D4D_4552)
        let step = count > 0 ? (DataSet.ordersUntil - DataSet.ordersFrom) / Int64(count) : 0
        for index in 0..<count {
            let created = DataSet.ordersFrom + Int64(index) * step + (step > 1 ? Int64(random.below(Int(step))) : 0)
            orders.append(makeOrder(index: index, created: created, buyers: buyers))
        }
        for start in stride(from: 0, to: orders.count, by: 9) {
            let group = start..<min(start + 3, orders.count)
            let shared = orders[group].map(\.modified).max() ?? 0
            for index in group { orders[index].modified = shared }
        }
    }

    private mutating func makeOrder(index: Int, created: Int64, buyers: [FakeContact]) -> FakeWooOrder {
        let status = random.pick(WooCommerceData.statuses)
        let first = random.pick(Vocabulary.firstNames).0
        let last = random.pick(Vocabulary.lastNames).0
        var order = FakeWooOrder(
            id: 1_000 + Int64(index) * 3 + Int64(random.int(0...2)), status: status,
            currency: random.chance(70) ? "EUR" : "USD", created: created,
            modified: created + Int64(random.int(60...10 * 86_400)), paid: nil, completed: nil, customerID: 0,
            firstName: first, lastName: last, email: "", phone: "", city: random.pick(Vocabulary.cities),
            lineItems: [])
        if index % 10 != 1, !buyers.isEmpty {
            let buyer = random.pick(buyers)
            order.email = ContactField.emailKey(buyer.email) ?? ""
            order.firstName = buyer.firstName ?? first
            order.lastName = buyer.lastName
            order.phone = buyer.phone ?? ""
            order.customerID = index % 4 == 0 ? 0 : 100 + Int64(index)
        }
        if ["processing", "completed", "refunded"].contains(status) { order.paid = created + 120 }
        if status == "completed" { order.completed = order.modified }
        let firstProduct = random.below(Vocabulary.products.count)
        for offset in 0..<random.int(1...3) {
            let product = (firstProduct + offset) % Vocabulary.products.count
            let (name, price, sku) = Vocabulary.products[product]
            nextLineItemID += Int64(random.int(1...9))
            order.lineItems.append(
                FakeWooOrder.LineItem(
                    id: nextLineItemID, name: name, productID: 30 + Int64(product), quantity: random.int(1...3),
                    priceCents: price, sku: sku))
        }
        return order
    }

    /// Moves `count` orders one step on (pending → processing → completed) in ONE second, as a bulk
    /// action in the admin does: more orders than a page share a `date_modified_gmt`. Returns their ids
    /// and that time.
    mutating func mutate(count: Int) -> (ids: [Int64], modified: Int64) {
        clock += DataSet.mutationStepSeconds
        var ids: [Int64] = []
        var indices = Array(orders.indices)
        for position in 0..<min(max(0, count), indices.count) {
            indices.swapAt(position, position + random.below(indices.count - position))
            let index = indices[position]
            switch orders[index].status {
            case "pending", "on-hold": orders[index].status = "processing"; orders[index].paid = clock
            case "processing": orders[index].status = "completed"; orders[index].completed = clock
            default: orders[index].lineItems[0].quantity += 1
            }
            orders[index].modified = clock
            ids.append(orders[index].id)
        }
        return (ids.sorted(), clock)
    }
}
