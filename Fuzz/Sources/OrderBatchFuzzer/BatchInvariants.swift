import FuzzSupport

@testable import OrderCore

/// What `OrderBatch.decode` must satisfy for any body.
enum BatchInvariants {
    typealias Decoded = Result<[Order], OrderBatch.Failure>

    /// The streaming decode agrees with parsing the whole tree and validating each item on its own.
    static func checkAgainstTree(_ decoded: Decoded, tree: Result<JSONValue, JSONSyntaxError>) {
        switch tree {
        case .failure(let error):
            // The tree's value budget is for the whole document, the stream's per element: only then
            // may the tree fail where the stream does not.
            if error.reason.hasPrefix("more than") { return }
            guard case .failure(.malformed(let streamed)) = decoded else {
                fatalError("invariant violated: \(error) in the tree but the stream gave \(decoded)")
            }
            check(streamed == error, "stream error \(streamed) ≠ tree error \(error)")
        case .success(let value):
            var items: [JSONValue]
            switch value {
            case .array(let elements): items = elements
            case .object: items = [value]
            default:
                guard case .failure(.invalid(let problems)) = decoded, problems.count == 1, problems[0].index == nil
                else { fatalError("invariant violated: a top-level \(value.typeName) gave \(decoded)") }
                return
            }
            var problems: [ItemProblem] = []
            var orders: [Order] = []
            for (index, item) in items.enumerated() {
                if let order = OrderValidator.validate(item, index: index, problems: &problems) { orders.append(order) }
            }
            switch decoded {
            case .success(let streamed):
                check(problems.isEmpty && streamed == orders, "the stream accepted what the items refuse")
            case .failure(.invalid(let streamed)):
                check(!problems.isEmpty, "the stream refused valid items: \(streamed)")
                check(streamed == Array(problems.prefix(OrderBatch.maxReportedProblems)), "problems differ")
            case .failure(let failure):
                fatalError("invariant violated: parsed tree, but the stream failed with \(failure)")
            }
        }
    }

    /// A batch cap of 2 gives the same success for at most 2 orders and `tooManyOrders` beyond; it never
    /// turns a refused body into an accepted one.
    static func checkBatchLimit(_ decoded: Decoded, body: UnsafeBufferPointer<UInt8>) {
        let small = OrderBatch.decode(body, maxOrders: 2)
        switch (decoded, small) {
        case (.success(let orders), .success(let few)):
            check(orders.count <= 2 && orders == few, "\(orders.count) orders passed a cap of 2")
        case (.success(let orders), .failure(.tooManyOrders(let limit))):
            check(orders.count > 2 && limit == 2, "tooManyOrders(\(limit)) for \(orders.count) orders")
        case (.success, .failure(let failure)):
            fatalError("invariant violated: accepted without a cap, \(failure) with one")
        case (.failure, .success):
            fatalError("invariant violated: refused without a cap, accepted with one")
        case (.failure, .failure):
            break
        }
    }

    /// Each accepted order is normalised as docs/contract.md §3 says, and its payload re-validates to itself.
    static func checkOrder(_ order: Order) {
        check(OrderValidator.checkText(order.orderID, length: OrderValidator.orderIDLength) == nil, "order_id")
        check(OrderValidator.trim(order.status) == order.status, "order_status not trimmed")
        check(OrderValidator.checkText(order.status, length: OrderValidator.statusLength) == nil, "order_status")
        check(Timestamp(rfc3339: order.orderDate)?.secondsText == order.orderDate, "order_date \(order.orderDate)")
        if let updatedAt = order.updatedAt {
            check(Timestamp(rfc3339: updatedAt)?.millisecondsText == updatedAt, "updated_at \(updatedAt)")
        }
        let payload: JSONValue
        do throws(JSONSyntaxError) {
            payload = try JSONParser.parse(order.payload)
        } catch {
            fatalError("invariant violated: stored payload does not parse: \(error)")
        }
        CanonicalJSON.checkRoundTrip(payload)
        var problems: [ItemProblem] = []
        let again = OrderValidator.validate(payload, index: 0, problems: &problems)
        check(again == order && problems.isEmpty, "the stored payload validates to another order: \(problems)")
        guard case .success(let reread) = OrderBatch.decode(order.payload), reread == [order] else {
            fatalError("invariant violated: the stored payload, posted again, is not the same order")
        }
    }
}
