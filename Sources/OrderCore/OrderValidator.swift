/// Turns one JSON item into an `Order`, or says every way in which it is invalid (docs/contract.md §3, `POST /`).
package enum OrderValidator {
    /// Field length limits, in Unicode scalars.
    package static let orderIDLength = 1...256
    package static let statusLength = 1...64

    /// Validates item `index`: the order, or nil with every problem appended to `problems`.
    package static func validate(_ item: JSONValue, index: Int, problems: inout [ItemProblem]) -> Order? {
        guard case .object(let fields) = item else {
            problems.append(ItemProblem(index: index, field: nil, problem: "must be an object, not \(item.typeName)"))
            return nil
        }
        let problemCount = problems.count
        func fail(_ field: String, _ problem: String) {
            problems.append(ItemProblem(index: index, field: field, problem: problem))
        }

        var orderID: String?
        switch fields["order_id"] {
        case nil, .null?:
            fail("order_id", "is required")
        case .string(let text)?:
            if let problem = checkText(text, length: orderIDLength) {
                fail("order_id", problem)
            } else {
                orderID = text
            }
        case .number(let text)?:
            if let integer = JSONNumber.integerText(text) {
                if integer.utf8.count > orderIDLength.upperBound {
                    fail("order_id", "must be at most \(orderIDLength.upperBound) characters")
                } else {
                    orderID = integer
                }
            } else {
                fail("order_id", "must be a string or an integer, not a fraction")
            }
        case let other?:
            fail("order_id", "must be a string or an integer, not \(other.typeName)")
        }

        let orderDate = timestamp(fields["order_date"], "order_date", required: true, fail)?.secondsText

        var status: String?
        switch fields["order_status"] {
        case nil, .null?:
            fail("order_status", "is required")
        case .string(let text)?:
            let trimmed = trim(text)
            if let problem = checkText(trimmed, length: statusLength) {
                fail("order_status", problem)
            } else {
                status = trimmed
            }
        case let other?:
            fail("order_status", "must be a string, not \(other.typeName)")
        }

        let updatedAt = timestamp(fields["updated_at"], "updated_at", required: false, fail)?.millisecondsText

        let details: String?
        switch fields["order_details"] {
        case nil, .null?: details = nil
        case .string(let text)?: details = text
        case let other?: details = String(decoding: JSONWriter.canonical(other), as: UTF8.self)
        }

        guard problems.count == problemCount, let orderID, let orderDate, let status else { return nil }
        return Order(
            orderID: orderID, orderDate: orderDate, status: status, details: details, updatedAt: updatedAt,
            payload: JSONWriter.canonical(item))
    }

    /// A timestamp field: parsed, or nil with its problem reported (absence is one when `required`).
    private static func timestamp(
        _ value: JSONValue?, _ field: String, required: Bool, _ fail: (String, String) -> Void
    ) -> Timestamp? {
        switch value {
        case nil, .null?:
            if required { fail(field, "is required") }
        case .string(let text)?:
            if let time = Timestamp(rfc3339: text) { return time }
            fail(field, "must be an RFC 3339 date-time with offset or a YYYY-MM-DD date")
        case let other?:
            fail(field, "must be a string, not \(other.typeName)")
        }
        return nil
    }

    /// Trims white space (including Unicode spaces and line breaks) from both ends.
    static func trim(_ text: String) -> String {
        // Fast path: plain ASCII with no white space at either end is already trimmed.
        if let first = text.utf8.first, let last = text.utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80
        {
            return text
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    /// The problem with a text field's length or content, or nil when it is fine.
    static func checkText(_ text: String, length: ClosedRange<Int>) -> String? {
        if trim(text).isEmpty { return "must not be empty" }
        // Fast path: printable ASCII counts one character per byte.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return text.utf8.count > length.upperBound ? "must be at most \(length.upperBound) characters" : nil
        }
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            if scalar.value < 0x20 || scalar.value == 0x7F { return "must not contain control characters" }
        }
        if count > length.upperBound { return "must be at most \(length.upperBound) characters" }
        return nil
    }
}
