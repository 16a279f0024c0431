/// Deadlines of parked connections, earliest first (a binary min-heap). Entries are never removed
/// early: a connection that left the park leaves its deadline behind, and whoever pops it checks
/// that the park it names (`serial`) is still the current one.
struct DeadlineHeap {
    struct Item {
        let deadline: Int64
        let serial: UInt64
    }

    private var items: [Item] = []

    var count: Int { items.count }
    var earliest: Int64? { items.first?.deadline }

    mutating func push(_ item: Item) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].deadline < items[parent].deadline else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    /// The earliest item if its deadline is at or before `now`.
    mutating func popDue(now: Int64) -> Item? {
        guard let first = items.first, first.deadline <= now else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return first }
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < items.count else { break }
            var smallest = left
            if left + 1 < items.count && items[left + 1].deadline < items[left].deadline { smallest = left + 1 }
            guard items[smallest].deadline < items[parent].deadline else { break }
            items.swapAt(smallest, parent)
            parent = smallest
        }
        if items.isEmpty && items.capacity > 4_096 { items = [] }  // a flood's worth of room goes back
        return first
    }
}
