/// Changes between two syncs, on the fixed-step clock (never the wall clock): orders move on in their
/// life (paid → fulfilled → closed, some cancelled), contacts get a new phone and Modified_Time, and
/// new records arrive.
extension DataSet {
    /// What a mutation changed.
    struct Mutation: Sendable {
        var changedOrders: [Int64] = []
        var changedContacts: [Int64] = []
        var newOrders: [Int64] = []
        var newContacts: [Int64] = []
        var from: Int64 = 0
        var until: Int64 = 0
    }

    mutating func mutate(orders orderCount: Int, contacts contactCount: Int, newOrders: Int, newContacts: Int)
        -> Mutation
    {
        clock += DataSet.mutationStepSeconds
        var result = Mutation(from: clock)
        var handedOut = 0
        // Three records per second: records changed together share timestamps.
        func nextTime() -> Int64 {
            defer { handedOut += 1 }
            return clock + Int64(handedOut / 3)
        }
        for index in pickDistinct(orderCount, of: orders.count) {
            var order = orders[index]
            advance(&order, at: nextTime(), cancel: result.changedOrders.count % 7 == 6)
            orders[index] = order
            result.changedOrders.append(order.id)
        }
        for index in pickDistinct(contactCount, of: contacts.count) {
            contacts[index].modifiedTime = nextTime()
            contacts[index].phone = random.pick(Vocabulary.validPhones)
            contacts[index].title = random.pick(Vocabulary.titles)
            result.changedContacts.append(contacts[index].id)
        }
        for _ in 0..<max(0, newContacts) {
            appendContact(created: nextTime(), fresh: true)
            result.newContacts.append(contacts[contacts.count - 1].id)
        }
        let pool = contactsWithEmail
        for _ in 0..<max(0, newOrders) {
            appendOrder(created: nextTime(), fresh: true, pool: pool)
            result.newOrders.append(orders[orders.count - 1].id)
        }
        result.until = clock + Int64(max(0, handedOut - 1) / 3)
        clock = result.until + 1
        return result
    }

    /// Indices of `count` distinct records out of `total`, drawn from the seed (partial Fisher–Yates).
    private mutating func pickDistinct(_ count: Int, of total: Int) -> [Int] {
        var indices = Array(0..<total)
        let wanted = min(max(0, count), total)
        for position in 0..<wanted {
            indices.swapAt(position, position + random.below(total - position))
        }
        return Array(indices[0..<wanted]).sorted()
    }

    /// One step along an order's life, at `time`.
    private mutating func advance(_ order: inout FakeOrder, at time: Int64, cancel: Bool) {
        order.updatedAt = time
        if order.cancelledAt != nil || order.closedAt != nil {
            // Archived or cancelled orders still change: a refund, a note.
            if order.financialStatus == "paid" { order.financialStatus = "partially_refunded" }
            order.tags = order.tags.isEmpty ? "reviewed" : order.tags + ", reviewed"
        } else if cancel {
            order.cancelledAt = time
            order.cancelReason = "customer"
            order.financialStatus = order.financialStatus == "paid" ? "refunded" : "voided"
        } else if ["pending", "authorized", "partially_paid"].contains(order.financialStatus) {
            order.financialStatus = "paid"
        } else if order.fulfillmentStatus == nil {
            order.fulfillmentStatus = random.chance(70) ? "fulfilled" : "partial"
        } else if order.fulfillmentStatus == "partial" {
            order.fulfillmentStatus = "fulfilled"
        } else {
            order.closedAt = time
        }
    }
}
