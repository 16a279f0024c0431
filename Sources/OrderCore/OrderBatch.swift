/// Decodes the JSON body of `POST /`: an array of orders, or one order object (docs/contract.md §3).
/// `NDJSONBatchReader` and `CSVBatchReader` read the other formats into the same result.
package enum OrderBatch {
    /// At most this many item problems are reported (docs/contract.md §3: the first 100).
    package static let maxReportedProblems = 100
    /// Orders in one batch at most: bounds the memory one request can take (32 MiB of tiny orders
    /// would otherwise be hundreds of thousands of them).
    package static let defaultMaxOrders = 100_000

    /// Why a body was refused.
    package enum Failure: Error, Sendable {
        /// Not JSON at all, or an NDJSON line that is not (400): where it broke.
        case malformed(JSONSyntaxError)
        /// Not CSV as docs/contract.md §3 reads it (400): where it broke (line 1 for header problems).
        case malformedCSV(JSONSyntaxError)
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
        var collector = BatchCollector(maxOrders: maxOrders)
        return decode(body, into: &collector) { _ in true }
    }

    /// `decode` into `collector`, asking `proceed` after every item (with what was collected so far):
    /// false stops reading there, and the result is then only what was read before (`JSONBatchReader`
    /// stops this way when its request may hold no more memory, and answers for it).
    static func decode(
        _ body: UnsafeBufferPointer<UInt8>, into collector: inout BatchCollector,
        proceed: (BatchCollector) -> Bool
    ) -> Result<[Order], Failure> {
        let top: JSONParser.TopLevel
        do {
            top = try JSONParser.forEachElement(body) { _, item in collector.add(item) && proceed(collector) }
        } catch {
            return .failure(.malformed(error))
        }
        let result = collector.result()
        if case .failure(.tooManyOrders) = result { return result }
        if case .other(let typeName) = top {
            let problem = ItemProblem(
                index: nil, field: nil, problem: "body must be an array of orders or one order object, not \(typeName)")
            return .failure(.invalid([problem]))
        }
        return result
    }

    package static func decode(_ body: [UInt8]) -> Result<[Order], Failure> {
        body.withUnsafeBufferPointer { decode($0) }
    }
}
