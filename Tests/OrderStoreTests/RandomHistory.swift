import OrderCore
import TestSupport

/// A random order history, replayable from its seed: what issue 10's property test feeds the write
/// path. A few orders, each with a few versions whose statuses follow the lifecycle with repeats, case
/// variants (`Shipped` / `shipped` / `SHIPPED`, equal per docs/contract.md §2 "Statuses") and Shopify
/// states; `updated_at` sometimes missing or written with an offset; versions arriving out of event
/// order; identical resends; orders from `api` and `shopify` (synced orders use the same writer path,
/// Sources/OrderStore/SyncStore.swift). The arrivals are cut into a few rounds, so later rounds meet
/// the writer's unchanged rules (docs/contract.md §2 "Unchanged versions") against stored rows.
struct RandomHistory {
    /// One version as sent: the order it belongs to, its source, and the JSON body.
    struct Arrival {
        let orderID: String
        let source: String
        let json: String
    }

    let seed: UInt64
    /// Arrival rounds, in order; each round is written as one batch per source.
    let rounds: [[Arrival]]

    /// Lifecycle statuses in rough order, unknown ones included (they count under their own name; a
    /// non-ASCII letter keeps its case, docs/contract.md §2 "Statuses" folds ASCII case only).
    static let lifecycle = [
        "new", "pending", "processing", "confirmed", "shipped", "in_transit", "expédié", "delivered", "cancelled",
        "refunded", "returned", "on_the_moon",
    ]
    /// Shopify's statuses as its connector stores them (docs/contract.md §2 "Status vocabulary").
    static let shopify = [
        "open", "pending", "authorized", "partially_paid", "paid", "partially_fulfilled", "fulfilled", "voided",
        "partially_refunded", "refunded", "cancelled",
    ]

    /// `orderPrefix` keeps the order ids of histories that share one database apart.
    init(seed: UInt64, orderPrefix: String) {
        self.seed = seed
        var random = SeededGenerator(seed: seed)
        var arrivals: [Arrival] = []
        for index in 0..<(1 + random.below(6)) {
            let orderID = "\(orderPrefix)-o\(index)"
            let orderSource = random.below(3) == 0 ? "shopify" : "api"
            var versions = Self.versions(orderID: orderID, source: orderSource, &random)
            // Out of event order: a shuffled tail, or the whole list, or one late arrival.
            switch random.below(4) {
            case 0: versions.shuffle(using: &random)
            case 1 where versions.count > 1:
                let late = versions.remove(at: random.below(versions.count - 1))
                versions.append(late)
            default: break
            }
            for version in versions {
                // A source change mid-history: the same order synced and posted.
                let source = random.below(8) == 0 ? (version.source == "api" ? "shopify" : "api") : version.source
                arrivals.append(Arrival(orderID: orderID, source: source, json: version.json))
            }
        }
        // Identical resends of what was already sent, anywhere after the original.
        for _ in 0..<random.below(4) where !arrivals.isEmpty {
            let original = random.below(arrivals.count)
            let position = original + 1 + random.below(arrivals.count - original)
            arrivals.insert(arrivals[original], at: position)
        }
        // Orders interleave: arrivals of different orders mix, each order keeping its own sequence.
        arrivals = Self.interleave(arrivals, &random)
        var rounds: [[Arrival]] = []
        var rest = arrivals[...]
        while !rest.isEmpty {
            let size = 1 + random.below(rest.count)
            rounds.append(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        self.rounds = rounds
    }

    /// 1–6 versions of one order in event order (`updated_at` rising, whole minutes, or missing).
    private static func versions(orderID: String, source: String, _ random: inout SeededGenerator) -> [Arrival] {
        let vocabulary = source == "shopify" && random.below(2) == 0 ? shopify : lifecycle
        var minute = (random.below(5) * 24 + random.below(24)) * 60 + random.below(60)  // from 2025-08-01
        var position = random.below(3)
        var result: [Arrival] = []
        for _ in 0..<(1 + random.below(6)) {
            // Mostly forward, sometimes a repeat, sometimes a jump anywhere (cancelled after shipped).
            switch random.below(6) {
            case 0: break
            case 1: position = random.below(vocabulary.count)
            default: position = min(vocabulary.count - 1, position + 1)
            }
            var status = vocabulary[position]
            switch random.below(5) {
            case 0: status = status.uppercased()
            case 1: status = status.prefix(1).uppercased() + status.dropFirst()
            default: break
            }
            minute += random.below(3) == 0 ? random.below(3) : random.below(60 * 48)
            var json = #"{"order_id":"\#(orderID)","order_date":"2025-07-31","order_status":"\#(status)""#
            if random.below(4) != 0 { json += #","updated_at":"\#(timestamp(minute: minute, &random))""# }
            json += "}"
            result.append(Arrival(orderID: orderID, source: source, json: json))
        }
        return result
    }

    /// RFC 3339 text for `minute` minutes after 2025-08-01T00:00Z, in UTC or with a +02:00 offset.
    private static func timestamp(minute: Int, _ random: inout SeededGenerator) -> String {
        let offset = random.below(4) == 0 ? 120 : 0
        let local = minute + offset
        let day = 1 + local / 1440
        let text = "2025-08-\(pad(day))T\(pad(local % 1440 / 60)):\(pad(local % 60)):00"
        return text + (offset == 0 ? "Z" : "+02:00")
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// A random merge of the per-order sequences that keeps each order's own order of arrival.
    private static func interleave(_ arrivals: [Arrival], _ random: inout SeededGenerator) -> [Arrival] {
        var queues: [String: ArraySlice<Arrival>] = [:]
        var ids: [String] = []
        for arrival in arrivals {
            if queues[arrival.orderID] == nil { ids.append(arrival.orderID) }
            queues[arrival.orderID, default: []].append(arrival)
        }
        var merged: [Arrival] = []
        while !ids.isEmpty {
            let pick = random.below(ids.count)
            let id = ids[pick]
            if let next = queues[id]?.popFirst() { merged.append(next) }
            if queues[id]?.isEmpty ?? true { ids.remove(at: pick) }
        }
        return merged
    }

    /// The arrivals of one round as the writer's batches: one per source, each keeping the round's order.
    static func batches(_ round: [Arrival]) -> [(source: String, orders: [Order])] {
        ["api", "shopify"].compactMap { source in
            let orders = round.filter { $0.source == source }.map { arrival -> Order in
                guard case .success(let decoded) = OrderBatch.decode(Array(arrival.json.utf8)), let order = decoded.first
                else { fatalError("the generator wrote an invalid order: \(arrival.json)") }
                return order
            }
            return orders.isEmpty ? nil : (source, orders)
        }
    }
}
