import HTTPServer

/// Reading a listing's parameters, and freezing them into `page_info`.
extension ShopifyOrderQuery {
    /// From a first request's parameters; a value the fake cannot use is refused with 400 (Shopify's
    /// own messages for these cases are unconfirmed; the shape `{"errors":{param: message}}` is real).
    init(parameters: QueryString) throws(Refusal) {
        if let status = parameters["status"] {
            guard ShopifyOrderQuery.statuses.contains(status) else { throw .shopify("status") }
            self.status = status
        }
        if let value = parameters["financial_status"] {
            guard ShopifyOrderQuery.financialStatuses.contains(value) else { throw .shopify("financial_status") }
            financialStatus = value
        }
        if let value = parameters["fulfillment_status"] {
            guard ShopifyOrderQuery.fulfillmentStatuses.contains(value) else { throw .shopify("fulfillment_status") }
            fulfillmentStatus = value
        }
        updatedMin = try Self.time(parameters, "updated_at_min")
        updatedMax = try Self.time(parameters, "updated_at_max")
        createdMin = try Self.time(parameters, "created_at_min")
        createdMax = try Self.time(parameters, "created_at_max")
        processedMin = try Self.time(parameters, "processed_at_min")
        processedMax = try Self.time(parameters, "processed_at_max")
        if let value = parameters["since_id"] {
            guard let id = Int64(value) else { throw .shopify("since_id") }
            sinceID = id
        }
        if let value = parameters["ids"] {
            let ids = value.split(separator: ",").map { Int64($0.trimmingCharacters(in: " ")) }
            guard !ids.isEmpty, ids.allSatisfy({ $0 != nil }) else { throw .shopify("ids") }
            self.ids = ids.compactMap { $0 }
        }
        if let value = parameters["order"] {
            // `updated_at asc` (the space arrives as `+` or `%20`); the direction defaults to ascending.
            let words = value.split(separator: " ")
            guard (1...2).contains(words.count), let field = SortField(rawValue: String(words[0])),
                words.count == 1 || words[1] == "asc" || words[1] == "desc"
            else { throw .shopify("order") }
            sortField = field
            ascending = words.count == 1 || words[1] == "asc"
        }
    }

    /// An ISO 8601 time with offset; an unencoded `+` offset arrives as a space and is refused.
    private static func time(_ parameters: QueryString, _ name: String) throws(Refusal) -> Int64? {
        guard let text = parameters[name] else { return nil }
        guard let seconds = LocalTime.parse(text) else { throw .shopify(name) }
        return seconds
    }

    /// `page_info`: this query, the direction and the key of the order next to the page.
    func cursor(forward: Bool, anchor: Key) -> String {
        func text(_ value: Int64?) -> String { value.map { String($0) } ?? "" }
        return OpaqueCursor.encode([
            "o1", status, financialStatus ?? "", fulfillmentStatus ?? "", text(updatedMin), text(updatedMax),
            text(createdMin), text(createdMax), text(processedMin), text(processedMax), text(sinceID),
            ids.map { $0.map(String.init).joined(separator: ",") } ?? "", sortField.rawValue,
            ascending ? "asc" : "desc", forward ? "next" : "previous", String(anchor.value), String(anchor.id),
        ])
    }

    /// Reads a cursor back; nil when it is not one of ours.
    static func fromCursor(_ cursor: String) -> (query: ShopifyOrderQuery, forward: Bool, anchor: Key)? {
        guard let fields = OpaqueCursor.decode(cursor), fields.count == 17, fields[0] == "o1",
            let sortField = SortField(rawValue: fields[12]), let anchorValue = Int64(fields[15]),
            let anchorID = Int64(fields[16])
        else { return nil }
        func time(_ text: String) -> Int64? { Int64(text) }
        var query = ShopifyOrderQuery()
        query.status = fields[1]
        query.financialStatus = fields[2].isEmpty ? nil : fields[2]
        query.fulfillmentStatus = fields[3].isEmpty ? nil : fields[3]
        query.updatedMin = time(fields[4])
        query.updatedMax = time(fields[5])
        query.createdMin = time(fields[6])
        query.createdMax = time(fields[7])
        query.processedMin = time(fields[8])
        query.processedMax = time(fields[9])
        query.sinceID = time(fields[10])
        query.ids = fields[11].isEmpty ? nil : fields[11].split(separator: ",").compactMap { Int64($0) }
        query.sortField = sortField
        query.ascending = fields[13] == "asc"
        return (query, fields[14] == "next", Key(value: anchorValue, id: anchorID))
    }
}
