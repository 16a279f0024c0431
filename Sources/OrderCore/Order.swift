/// One validated version of an order, ready to store: the normalised columns of `orders_raw`
/// and the canonical JSON of the whole object as received.
package struct Order: Sendable, Equatable {
    /// The client's id; integers become their decimal text.
    package let orderID: String
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ` (milliseconds only when not zero).
    package let orderDate: String
    /// As sent, trimmed of white space.
    package let status: String
    /// A string as sent, or the canonical JSON text of any other value; nil when absent or null.
    package let details: String?
    /// UTC with milliseconds (`YYYY-MM-DDTHH:MM:SS.sssZ`), so text order is time order; nil when absent.
    package let updatedAt: String?
    /// Canonical JSON of the whole object: unknown fields are kept, and equal content gives equal bytes.
    package let payload: [UInt8]

    package init(
        orderID: String, orderDate: String, status: String, details: String?, updatedAt: String?, payload: [UInt8]
    ) {
        self.orderID = orderID
        self.orderDate = orderDate
        self.status = status
        self.details = details
        self.updatedAt = updatedAt
        self.payload = payload
    }
}

extension Order {
    /// The heap memory this order points to, estimated as glibc's malloc takes it: the payload array (by
    /// its capacity: the writer that made it reserved more than it wrote) and every string too long to be
    /// stored inline (over 15 UTF-8 bytes, plus its terminating NUL), each with its object header (32
    /// bytes), a chunk header (8 bytes) and rounding to 16 bytes. An estimate for the request memory
    /// budget, not an exact figure.
    package var heapBytes: Int {
        func allocation(_ bytes: Int) -> Int { (32 + bytes + 8 + 15) & ~15 }
        func text(_ value: String?) -> Int {
            guard let count = value?.utf8.count, count > 15 else { return 0 }
            return allocation(count + 1)
        }
        return allocation(payload.capacity) + text(orderID) + text(orderDate) + text(status) + text(details)
            + text(updatedAt)
    }
}

/// One reason an item of a batch was refused (RFC 9457 `errors` member).
package struct ItemProblem: Sendable, Equatable {
    /// Position of the item in the batch; nil when the body as a whole has the wrong shape.
    package let index: Int?
    /// The field at fault, or nil for the item itself.
    package let field: String?
    /// What is wrong, in words a client can act on.
    package let problem: String
    /// The 1-based line of the body the item starts on, for line-based formats (NDJSON, CSV); nil for JSON.
    package var line: Int?

    package init(index: Int?, field: String?, problem: String, line: Int? = nil) {
        self.index = index
        self.field = field
        self.problem = problem
        self.line = line
    }
}
