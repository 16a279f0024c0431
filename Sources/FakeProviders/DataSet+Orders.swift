import OrderCore

/// Shopify orders. Email quirks are placed by position (index = number − 1), so their counts are exact:
/// - index ≡ 1 mod 20: no email (alternately `""` without customer, and `null` with an email-less customer);
/// - index ≡ 11 mod 20: a guest email that no contact has;
/// - otherwise a contact's email: index ≡ 3 mod 8 upper-cased with surrounding white space (spaces,
///   tabs, CR/LF, NBSP, U+3000, ZWSP, BOM: `HostileWhiteSpace`), ≡ 5 mod 8 capitalized, else lower-case.
/// Statuses are drawn from the seed: about 6 % cancelled, some closed, every financial status.
extension DataSet {
    /// Appends order number `orders.count + 1`, created at `created`. `fresh` ones (from a mutation)
    /// are updated when created; generated ones some time later.
    mutating func appendOrder(created: Int64, fresh: Bool, pool: [FakeContact]? = nil) {
        let index = orders.count
        let previousID = orders.last?.id ?? DataSet.orderIDBase
        let id = max(previousID, DataSet.orderIDBase + Int64(index) * 1_000) + Int64(random.int(1...999))
        var order = FakeOrder(
            id: id, number: index + 1, email: nil, phone: nil, customer: nil, createdAt: created,
            updatedAt: created, cancelledAt: nil, cancelReason: nil, closedAt: nil, currency: "EUR",
            lineItems: [], taxBasisPoints: 0, financialStatus: "paid", fulfillmentStatus: nil, tags: "")
        assignBuyer(&order, index: index, pool: pool ?? contactsWithEmail)
        assignItems(&order)
        if !fresh {
            order.updatedAt = created + (index % 10 == 0 ? 0 : Int64(random.int(60...20 * 86_400)))
            assignStatus(&order)
        } else {
            order.financialStatus = "pending"
        }
        orders.append(order)
    }

    private mutating func assignBuyer(_ order: inout FakeOrder, index: Int, pool: [FakeContact]) {
        switch index % 20 {
        case 1:
            let first = random.pick(Vocabulary.firstNames).0
            let last = random.pick(Vocabulary.lastNames).0
            if (index / 20) % 2 == 0 {
                order.email = ""
            } else {
                order.phone = random.pick(Vocabulary.validPhones)
                order.customer = FakeOrder.Customer(
                    id: customerID(for: "guest-without-email-\(index)"), email: nil, firstName: first, lastName: last)
            }
        case _ where index % 20 == 11 || pool.isEmpty:
            let first = random.pick(Vocabulary.firstNames)
            let last = random.pick(Vocabulary.lastNames)
            let email = "\(first.1).\(last.1).guest\(index)@checkout.example"
            order.email = email
            order.customer = FakeOrder.Customer(
                id: customerID(for: email), email: email, firstName: first.0, lastName: last.0)
        default:
            let contact = random.pick(pool)
            let key = ContactField.emailKey(contact.email) ?? ""
            let email =
                switch index % 8 {
                case 3: HostileWhiteSpace.pad(key.uppercased(), variant: index / 8)
                case 5: DataSet.capitalized(key)
                default: key
                }
            order.email = email
            order.phone = contact.phone
            order.customer = FakeOrder.Customer(
                id: customerID(for: key), email: ContactField.trimmed(email),
                firstName: contact.firstName ?? random.pick(Vocabulary.nicknames), lastName: contact.lastName)
        }
    }

    private mutating func assignItems(_ order: inout FakeOrder) {
        // Distinct products: consecutive catalogue entries from a random start.
        let first = random.below(Vocabulary.products.count)
        for offset in 0..<random.int(1...4) {
            let product = (first + offset) % Vocabulary.products.count
            let (title, price, sku) = Vocabulary.products[product]
            nextLineItemID += Int64(random.int(1...50))
            order.lineItems.append(
                FakeOrder.LineItem(
                    id: nextLineItemID, title: title, quantity: random.int(1...3), priceCents: price, sku: sku,
                    variantID: 40_000_000_000 + Int64(product) * 10 + 1, productID: 8_000_000_000 + Int64(product)))
        }
        switch random.below(10) {
        case 0...5: (order.currency, order.taxBasisPoints) = ("EUR", 2_100)
        case 6...7: (order.currency, order.taxBasisPoints) = ("USD", 0)
        default: (order.currency, order.taxBasisPoints) = ("GBP", 2_000)
        }
    }

    private mutating func assignStatus(_ order: inout FakeOrder) {
        if random.chance(6) {
            let cancelled = order.createdAt + Int64(random.int(3_600...3 * 86_400))
            order.cancelledAt = cancelled
            order.cancelReason = random.pick(Vocabulary.cancelReasons)
            order.financialStatus = random.chance(50) ? "voided" : "refunded"
            order.updatedAt = max(order.updatedAt, cancelled)
            // Shopify archives (closes) some cancelled orders and leaves others open.
            if random.chance(50) { order.closedAt = cancelled }
            order.tags = "cancelled"
            return
        }
        let financial = [
            "paid", "paid", "paid", "paid", "paid", "paid", "paid", "pending", "authorized", "partially_paid",
            "refunded", "partially_refunded",
        ]
        order.financialStatus = random.pick(financial)
        let shippable = ["paid", "partially_refunded", "refunded"].contains(order.financialStatus)
        switch random.below(10) {
        case 0...4 where shippable: order.fulfillmentStatus = "fulfilled"
        case 5 where shippable: order.fulfillmentStatus = "partial"
        case 6 where order.financialStatus == "refunded": order.fulfillmentStatus = "restocked"
        default: order.fulfillmentStatus = nil
        }
        if order.fulfillmentStatus == "fulfilled" && order.financialStatus == "paid" && random.chance(60) {
            order.closedAt = order.updatedAt
        }
        order.tags = random.chance(20) ? "wholesale, vip" : ""
    }

    /// Orders at index 0–3, 16–19, 32–35, … share one `updated_at` (the latest of the four), so a
    /// client whose cursor is an inclusive `updated_at_min` sees some of them again and must dedupe by id.
    mutating func tieOrderUpdateTimes() {
        for start in stride(from: 0, to: orders.count, by: 16) {
            let group = start..<min(start + 4, orders.count)
            let shared = orders[group].map(\.updatedAt).max() ?? 0
            for index in group {
                if orders[index].closedAt == orders[index].updatedAt { orders[index].closedAt = shared }
                orders[index].updatedAt = shared
            }
        }
    }
}
