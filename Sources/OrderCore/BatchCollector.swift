/// Collects the validated orders of one batch, whatever its format (JSON, NDJSON, CSV), under one rule:
/// the batch is atomic (docs/contract.md §3, `POST /`), so as soon as one item is invalid the orders
/// collected so far are dropped and only the first `maxReportedProblems` problems are kept.
package struct BatchCollector: Sendable {
    /// Orders in one batch at most (413 beyond).
    package let maxOrders: Int
    private var orders: [Order] = []
    /// The estimated heap bytes of `orders`' contents (`Order.heapBytes`).
    private var orderHeapBytes = 0
    private var problems: [ItemProblem] = []
    /// Items seen so far: the index of the next one.
    package private(set) var count = 0
    private var tooMany = false

    package init(maxOrders: Int = OrderBatch.defaultMaxOrders) {
        self.maxOrders = maxOrders
    }

    /// Validates the next item (`line` is where it starts, for line-based formats). Returns false when
    /// the batch is over its order limit: the caller stops reading, the answer is 413 whatever follows.
    package mutating func add(_ item: JSONValue, line: Int? = nil) -> Bool {
        if count >= maxOrders {
            tooMany = true
            return false
        }
        let before = problems.count
        if let order = OrderValidator.validate(item, index: count, problems: &problems), problems.isEmpty {
            orders.append(order)
            orderHeapBytes += order.heapBytes
        } else if !orders.isEmpty {
            orders = []  // the batch is lost anyway: free the memory now
            orderHeapBytes = 0
        }
        if let line { for position in before..<problems.count { problems[position].line = line } }
        trimProblems()
        count += 1
        return true
    }

    /// Records a problem found before an item could be built (a CSV row with the wrong number of
    /// fields, a cell that is not JSON): the item counts, and the batch fails.
    package mutating func reject(_ problem: ItemProblem) -> Bool {
        if count >= maxOrders {
            tooMany = true
            return false
        }
        problems.append(problem)
        orders = []
        orderHeapBytes = 0
        trimProblems()
        count += 1
        return true
    }

    private mutating func trimProblems() {
        if problems.count > OrderBatch.maxReportedProblems {
            problems.removeLast(problems.count - OrderBatch.maxReportedProblems)
        }
    }

    /// The memory the collected orders take, estimated: the array and what each order points to.
    /// Orders are parsed-but-uncommitted request data, held until the batch is stored, often several
    /// times the bytes they came from (a 100-byte NDJSON line makes a ~300-byte order).
    package var heldBytes: Int {
        orders.capacity * MemoryLayout<Order>.stride + orderHeapBytes + problems.count * 128
    }

    /// Every order, or why nothing may be stored.
    package func result() -> Result<[Order], OrderBatch.Failure> {
        if tooMany { return .failure(.tooManyOrders(limit: maxOrders)) }
        return problems.isEmpty ? .success(orders) : .failure(.invalid(problems))
    }
}
