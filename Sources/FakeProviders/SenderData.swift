import OrderCore

/// One webhook delivery's content for the fake sender (docs/fake-providers.md, "Sender"): what Shopify
/// or WooCommerce would post for one change, before headers and signature.
package struct WebhookChange: Sendable {
    package enum Source: String, Sendable { case shopify, woocommerce }

    package let source: Source
    package let topic: String
    package let body: [UInt8]
    /// The order it changes; nil for a customer.
    package let orderID: String?
    /// When the change happened, seconds since 1970 (X-Shopify-Triggered-At).
    package let time: Int64
    /// A deletion: sent after every version of its order was acknowledged, since a deletion of an
    /// order never stored is ignored (docs/realtime.md §4).
    package var isDeletion: Bool { topic == "order.deleted" }
}

/// One row change of the source database's `orders` table, as Debezium reports it (docs/realtime.md §3).
package struct DebeziumChange: Sendable {
    /// `r` (snapshot), `c`, `u` or `d`.
    package let op: Character
    package let orderID: Int64
    /// The row's status after the change (before it, for a delete).
    package let status: String
    package let lsn: Int64
    package let txID: Int64
    /// `source.ts_ms`: the version's time, as the rows carry no updated_at column.
    package let sourceMilliseconds: Int64
    /// Days since 1970 of the order's date.
    package let orderDay: Int
    package let details: String

    /// The HTTP sink's body: with the schema wrapper (`schemas.enable=true`) or the payload alone. An
    /// update's and a delete's `before` hold the key only (no REPLICA IDENTITY FULL).
    package func body(wrapped: Bool) -> [UInt8] {
        let date: String
        if wrapped {
            date = String(orderDay)  // io.debezium.time.Date
        } else {
            let (year, month, day) = LocalTime.civil(fromDays: orderDay)
            date = "\"\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)\""
        }
        let row =
            #"{"order_id":\#(orderID),"order_date":\#(date),"order_status":"\#(status)","order_details":"\#(details)"}"#
        let key = #"{"order_id":\#(orderID)}"#
        let (before, after) =
            switch op {
            case "d": (key, "null")
            case "u": (key, row)
            default: ("null", row)
            }
        let payload = """
            {"before":\(before),"after":\(after),"source":{"version":"2.7.3.Final","connector":"postgresql",\
            "name":"erp","ts_ms":\(sourceMilliseconds),"snapshot":"\(op == "r" ? "true" : "false")","db":"erp",\
            "schema":"public","table":"orders","txId":\(txID),"lsn":\(lsn),"xmin":null},"op":"\(op)",\
            "ts_ms":\(sourceMilliseconds + 40),"transaction":null}
            """
        guard wrapped else { return Array(payload.utf8) }
        let fields = """
            [{"type":"int64","optional":false,"field":"order_id"},\
            {"type":"int32","optional":true,"name":"io.debezium.time.Date","version":1,"field":"order_date"},\
            {"type":"string","optional":true,"field":"order_status"},\
            {"type":"string","optional":true,"field":"order_details"}]
            """
        let schema = """
            {"type":"struct","fields":[{"type":"struct","fields":\(fields),"optional":true,"name":"erp.public.orders.Value",\
            "field":"before"},{"type":"struct","fields":\(fields),"optional":true,"name":"erp.public.orders.Value",\
            "field":"after"}],"optional":false,"name":"erp.public.orders.Envelope","version":2}
            """
        return Array(#"{"schema":\#(schema),"payload":\#(payload)}"#.utf8)
    }
}

/// A seeded generator for the sender's plan (shuffles, duplicates, ids): SplitMix64, so a seed gives
/// the same run on every Swift version.
package struct SenderRandom: Sendable {
    private var generator: SplitMix64

    package init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    package mutating func below(_ bound: Int) -> Int { generator.below(bound) }
    package mutating func chance(_ percent: Int) -> Bool { generator.chance(percent) }
    package mutating func next() -> UInt64 { generator.next() }

    /// Fisher–Yates with this generator.
    package mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for index in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(index, below(index + 1))
        }
    }

    /// A UUID-shaped id (Shopify's webhook and event ids are UUIDs).
    package mutating func uuid() -> String {
        let high = next()
        let low = next()
        func hex(_ value: UInt64, _ digits: Int) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
        return "\(hex(high >> 32, 8))-\(hex(high >> 16 & 0xFFFF, 4))-\(hex(high & 0xFFFF, 4))-"
            + "\(hex(low >> 48, 4))-\(hex(low & 0xFFFF_FFFF_FFFF, 12))"
    }
}

/// The sender's data sets, derived from a seed like the pull fakes' (DataSet).
package enum SenderData {
    /// WooCommerce order ids start here, Debezium's rows above: no id meets another source's.
    static let wooOrderIDBase: Int64 = 60_000
    package static let debeziumOrderIDBase: Int64 = 900_000_000

    /// `events` Shopify deliveries: every order of a DataSet of this seed as `orders/create`, then its
    /// later versions from DataSet.mutate (`orders/paid`, `orders/fulfilled`, `orders/cancelled`,
    /// `orders/updated`), and `customerPercent` % `customers/update`.
    package static func shopify(seed: UInt64, events: Int, customerPercent: Int) -> [WebhookChange] {
        guard events > 0 else { return [] }
        let customerEvents = events * min(max(customerPercent, 0), 100) / 100
        let orderEvents = events - customerEvents
        let initial = max(1, (orderEvents * 2 + 4) / 5)
        var data = DataSet(seed: seed, size: DataSet.Size(orders: initial, contacts: max(20, initial / 4), users: 0))
        var changes = data.orders.prefix(orderEvents).map { shopifyChange($0, topic: "orders/create") }
        let indexOf = Dictionary(uniqueKeysWithValues: data.orders.enumerated().map { ($0.element.id, $0.offset) })
        while changes.count < orderEvents {
            let before = data.orders
            let step = data.mutate(
                orders: min(max(1, initial / 3), orderEvents - changes.count), contacts: 0, newOrders: 0, newContacts: 0
            )
            for id in step.changedOrders {
                guard let index = indexOf[id] else { continue }
                changes.append(
                    shopifyChange(data.orders[index], topic: topic(from: before[index], to: data.orders[index])))
            }
        }
        var time = data.clock
        var position = 0
        while changes.count < events, !data.orders.isEmpty {
            let order = data.orders[position % data.orders.count]
            position += 1
            guard let customer = order.customer, let email = customer.email else {
                if position > data.orders.count * 2 { break }
                continue
            }
            time += 1
            let body = JSON.object([
                ("id", JSON.int(customer.id)), ("email", .string(email)), ("first_name", .string(customer.firstName)),
                ("last_name", .string(customer.lastName)), ("state", .string("enabled")),
                ("created_at", .string(LocalTime.shopify(order.createdAt))),
                ("updated_at", .string(LocalTime.shopify(time))), ("verified_email", .bool(true)),
            ])
            changes.append(
                WebhookChange(
                    source: .shopify, topic: "customers/update", body: JSON.bytes(body), orderID: nil, time: time))
        }
        return changes
    }

    private static func shopifyChange(_ order: FakeOrder, topic: String) -> WebhookChange {
        WebhookChange(
            source: .shopify, topic: topic, body: JSON.bytes(order.json()), orderID: String(order.id),
            time: order.updatedAt)
    }

    /// The topic Shopify sends for a step of DataSet.mutate.
    private static func topic(from old: FakeOrder, to new: FakeOrder) -> String {
        if old.cancelledAt == nil && new.cancelledAt != nil { return "orders/cancelled" }
        if old.financialStatus != "paid" && new.financialStatus == "paid" { return "orders/paid" }
        if old.fulfillmentStatus != "fulfilled" && new.fulfillmentStatus == "fulfilled" { return "orders/fulfilled" }
        return "orders/updated"
    }

    /// `events` WooCommerce deliveries (REST v3 orders, docs/realtime.md §2): `order.created`, then
    /// `order.updated` versions a few minutes to a day apart (pending → processing → completed, some
    /// on-hold, cancelled or refunded), and `deletePercent` % of the orders `order.deleted` ({"id": N}).
    package static func wooCommerce(seed: UInt64, events: Int, deletePercent: Int) -> [WebhookChange] {
        guard events > 0 else { return [] }
        var random = SplitMix64(seed: seed ^ 0x5743_5F53_454E_4445)
        let orderCount = max(1, (events * 2 + 4) / 5)
        let deletions = min(orderCount * min(max(deletePercent, 0), 100) / 100, max(0, events - orderCount))
        struct State {
            var id: Int64
            var created: Int64
            var modified: Int64
            var status: String
            var customer: (String, String, String)
            var items: [(String, Int, String, Int)]
        }
        func wooChange(_ state: State, topic: String) -> WebhookChange {
            let gmt = { (seconds: Int64) in String(LocalTime.format(seconds, offset: 0).prefix(19)) }
            let total = state.items.reduce(0) { $0 + $1.1 * $1.3 }
            let body = JSON.object([
                ("id", JSON.int(state.id)), ("parent_id", JSON.int(0)), ("number", .string(String(state.id))),
                ("order_key", .string("wc_order_\(state.id)")), ("created_via", .string("checkout")),
                ("status", .string(state.status)), ("currency", .string("EUR")),
                ("date_created", .string(gmt(state.created))), ("date_created_gmt", .string(gmt(state.created))),
                ("date_modified", .string(gmt(state.modified))), ("date_modified_gmt", .string(gmt(state.modified))),
                ("total", JSON.money(total)), ("customer_id", JSON.int(state.id % 977 + 1)),
                (
                    "billing",
                    JSON.object([
                        ("first_name", .string(state.customer.0)), ("last_name", .string(state.customer.1)),
                        ("email", .string(state.customer.2)),
                    ])
                ),
                (
                    "line_items",
                    .array(
                        state.items.enumerated().map { offset, item in
                            JSON.object([
                                ("id", JSON.int(state.id * 10 + Int64(offset))), ("name", .string(item.0)),
                                ("sku", .string(item.2)), ("quantity", JSON.int(item.3)),
                                ("price", .number(String(item.1 / 100))), ("total", JSON.money(item.1 * item.3)),
                            ])
                        })
                ),
            ])
            return WebhookChange(
                source: .woocommerce, topic: topic, body: JSON.bytes(body), orderID: String(state.id),
                time: state.modified)
        }
        var orders: [State] = []
        var changes: [WebhookChange] = []
        let step = (DataSet.ordersUntil - DataSet.ordersFrom) / Int64(orderCount)
        for index in 0..<min(orderCount, events - deletions) {
            let first = random.pick(Vocabulary.firstNames)
            let last = random.pick(Vocabulary.lastNames)
            let created = DataSet.ordersFrom + Int64(index) * step + Int64(random.below(Int(max(step, 1))))
            let product = random.below(Vocabulary.products.count)
            let items = (0..<random.int(1...3)).map { offset in
                let (name, price, sku) = Vocabulary.products[(product + offset) % Vocabulary.products.count]
                return (name, price, sku, random.int(1...3))
            }
            let state = State(
                id: wooOrderIDBase + Int64(index) + 1, created: created, modified: created, status: "pending",
                customer: (first.0, last.0, "\(first.1).\(last.1).\(index)@woo.example"), items: items)
            orders.append(state)
            changes.append(wooChange(state, topic: "order.created"))
        }
        while changes.count < events - deletions {
            let index = random.below(orders.count)
            orders[index].modified += Int64(random.int(60...86_400))
            orders[index].status = nextWooStatus(orders[index].status, &random)
            changes.append(wooChange(orders[index], topic: "order.updated"))
        }
        for state in orders.prefix(deletions) {
            let body = JSON.object([("id", JSON.int(state.id))])
            changes.append(
                WebhookChange(
                    source: .woocommerce, topic: "order.deleted", body: JSON.bytes(body), orderID: String(state.id),
                    time: state.modified + 1))
        }
        return changes
    }

    private static func nextWooStatus(_ status: String, _ random: inout SplitMix64) -> String {
        switch status {
        case "pending": random.chance(10) ? "cancelled" : random.chance(10) ? "on-hold" : "processing"
        case "on-hold": "processing"
        case "processing": random.chance(10) ? "cancelled" : "completed"
        case "completed": random.chance(15) ? "refunded" : "completed"
        default: status  // cancelled, refunded: a note or an edit, the status stays
        }
    }

    /// `changes` Debezium change events of the `orders` table: a snapshot (`r`, a fifth of them, one
    /// position as a snapshot has) then creates, updates and deletes with increasing `lsn` and `txId`
    /// and `source.ts_ms` a few milliseconds apart. A deleted row changes no more.
    package static func debezium(seed: UInt64, changes count: Int) -> [DebeziumChange] {
        guard count > 0 else { return [] }
        var random = SplitMix64(seed: seed ^ 0x4442_5A5F_4344_4300)
        let statuses = ["new", "paid", "shipped", "delivered"]
        var live: [(id: Int64, status: String, day: Int, details: String)] = []
        var changes: [DebeziumChange] = []
        changes.reserveCapacity(count)
        var nextID = debeziumOrderIDBase
        var lsn: Int64 = 24_023_128
        var txID: Int64 = 555
        var time: Int64 = 1_748_736_000_000  // 2025-06-01T00:00:00Z
        func newRow() -> (id: Int64, status: String, day: Int, details: String) {
            nextID += 1
            let product = String(Vocabulary.products[random.below(Vocabulary.products.count)].0.filter { $0 != "\"" })
            return (nextID, "new", 20_089 + random.below(150), "\(product) x\(random.int(1...3))")
        }
        func append(_ op: Character, _ row: (id: Int64, status: String, day: Int, details: String)) {
            changes.append(
                DebeziumChange(
                    op: op, orderID: row.id, status: row.status, lsn: lsn, txID: txID, sourceMilliseconds: time,
                    orderDay: row.day, details: row.details))
        }
        for _ in 0..<max(1, count / 5) {
            let row = newRow()
            live.append(row)
            append("r", row)
        }
        while changes.count < count {
            time += Int64(random.int(1...20))
            lsn += Int64(random.int(40...400))
            if random.chance(40) { txID += 1 }
            let roll = random.below(100)
            if roll < 15 || live.isEmpty {
                let row = newRow()
                live.append(row)
                append("c", row)
            } else if roll < 23 && live.count > 1 {
                let index = random.below(live.count)
                append("d", live[index])
                live.swapAt(index, live.count - 1)
                live.removeLast()
            } else {
                let index = random.below(live.count)
                let position = statuses.firstIndex(of: live[index].status) ?? statuses.count - 1
                if random.chance(5) {
                    live[index].status = "cancelled"
                } else if position + 1 < statuses.count {
                    live[index].status = statuses[position + 1]
                }  // else an edit of another column: a new version all the same (its own ts_ms)
                append("u", live[index])
            }
        }
        return changes
    }
}
