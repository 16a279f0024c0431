extension Order {
    /// The status of the version that records a deletion at the source.
    package static let deletedStatus = "deleted"

    /// The version that records this order's deletion at `time` (issue 12: a deletion appends a version
    /// whose status is `deleted`; history is never removed): this version's columns with the status
    /// and `updated_at` replaced, and its payload with `order_status` and `updated_at` set likewise (a
    /// provider's record keeps its own fields beside them, so views that read it, e.g. the customer's
    /// email, still find them). Nil when the stored payload is not a JSON object.
    package func tombstone(at time: String) -> Order? {
        guard case .object(let object)? = try? JSONParser.parse(payload) else { return nil }
        var members = object.members.filter { $0.name != "order_status" && $0.name != "updated_at" }
        members.append(("order_status", .string(Order.deletedStatus)))
        members.append(("updated_at", .string(time)))
        guard case .success(let changed) = JSONObject.make(members) else { return nil }
        return Order(
            orderID: orderID, orderDate: orderDate, status: Order.deletedStatus, details: details, updatedAt: time,
            payload: JSONWriter.canonical(.object(changed)))
    }
}
