/// Decodes the body of `POST /`: a JSON array of orders, or one order object.
package enum OrderBatch {
    /// At most this many item problems are reported (docs/contract.md §3: the first 100).
    package static let maxReportedProblems = 100
    /// Orders in one batch at most: bounds the memory one request can take (32 MiB of tiny orders
    /// would otherwise be hundreds of thousands of them).
    package static let defaultMaxOrders = 100_000

    /// Why a body was refused.
    package enum Failure: Error, Sendable {
        /// Not JSON at all (400): where it broke.
        case malformed(JSONSyntaxError)
        /// JSON, but some items are invalid (422): the first 100 problems, in item order.
        case invalid([ItemProblem])
        /// More orders than one batch may hold (413).
        case tooManyOrders(limit: Int)
    }

    /// Parses and validates a whole batch: either every order, or the reasons nothing may be stored.
    /// Items are validated as they are parsed, so memory holds the compact orders, not a JSON tree,
    /// and at most `maxReportedProblems` problems are kept however many items are bad.
    package static func decode(
        _ body: UnsafeBufferPointer<UInt8>, maxOrders: Int = defaultMaxOrders
    ) -> Result<[Order], Failure> {
        var orders: [Order] = []
        var problems: [ItemProblem] = []
        var tooMany = false
        let top: JSONParser.TopLevel
        do {
            top = try JSONParser.forEachElement(body) { index, item in
                if index >= maxOrders {
                    tooMany = true
                    return false
                }
                if let order = OrderValidator.validate(item, index: index, problems: &problems), problems.isEmpty {
                    orders.append(order)
                } else if !orders.isEmpty {
                    orders = []  // the batch is lost anyway: free the memory now
                }
                if problems.count > maxReportedProblems { problems.removeLast(problems.count - maxReportedProblems) }
                return true
            }
        } catch {
            return .failure(.malformed(error))
        }
        if tooMany { return .failure(.tooManyOrders(limit: maxOrders)) }
        if case .other(let typeName) = top {
            let problem = ItemProblem(
                index: nil, field: nil, problem: "body must be an array of orders or one order object, not \(typeName)")
            return .failure(.invalid([problem]))
        }
        return problems.isEmpty ? .success(orders) : .failure(.invalid(problems))
    }

    package static func decode(_ body: [UInt8]) -> Result<[Order], Failure> {
        body.withUnsafeBufferPointer { decode($0) }
    }
}
