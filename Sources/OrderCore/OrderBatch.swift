/// Decodes the body of `POST /`: a JSON array of orders, or one order object.
package enum OrderBatch {
    /// At most this many item problems are reported (SPEC: the first 100).
    package static let maxReportedProblems = 100

    /// Why a body was refused.
    package enum Failure: Error, Sendable {
        /// Not JSON at all (400): where it broke.
        case malformed(JSONSyntaxError)
        /// JSON, but some items are invalid (422): the first 100 problems, in item order.
        case invalid([ItemProblem])
    }

    /// Parses and validates a whole batch: either every order, or the reasons nothing may be stored.
    package static func decode(_ body: UnsafeBufferPointer<UInt8>) -> Result<[Order], Failure> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            return .failure(.malformed(error))
        }
        let items: [JSONValue]
        switch value {
        case .array(let elements): items = elements
        case .object: items = [value]
        default:
            let problem = ItemProblem(
                index: nil, field: nil,
                problem: "body must be an array of orders or one order object, not \(value.typeName)")
            return .failure(.invalid([problem]))
        }
        var orders: [Order] = []
        orders.reserveCapacity(items.count)
        var problems: [ItemProblem] = []
        for (index, item) in items.enumerated() {
            if let order = OrderValidator.validate(item, index: index, problems: &problems) { orders.append(order) }
        }
        return problems.isEmpty ? .success(orders) : .failure(.invalid(Array(problems.prefix(maxReportedProblems))))
    }

    package static func decode(_ body: [UInt8]) -> Result<[Order], Failure> {
        body.withUnsafeBufferPointer { decode($0) }
    }
}
