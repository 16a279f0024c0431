/// How one Contacts listing is sorted and filtered; `page_token` carries it frozen with the position.
struct ZohoRecordQuery: Sendable, Equatable {
    enum SortField: String, Sendable {
        case id, createdTime = "Created_Time", modifiedTime = "Modified_Time"
    }

    var sortBy = SortField.id
    /// Zoho's default is descending.
    var ascending = false
    /// `If-Modified-Since`, inclusive (seconds since 1970).
    var modifiedSince: Int64?

    /// The matching contacts in order (ties broken by id in the same direction).
    func select(from contacts: [FakeContact]) -> [FakeContact] {
        let matching = contacts.filter { $0.modifiedTime >= (modifiedSince ?? Int64.min) }
        return matching.sorted { a, b in
            let (x, y) = (value(a), value(b))
            let less = x != y ? x < y : a.id < b.id
            return ascending ? less : (x != y ? x > y : a.id > b.id)
        }
    }

    private func value(_ contact: FakeContact) -> Int64 {
        switch sortBy {
        case .id: contact.id
        case .createdTime: contact.createdTime
        case .modifiedTime: contact.modifiedTime
        }
    }

    /// A `page_token`: this query and the position of the page's first record; `issued` (wall seconds)
    /// dates it for `page_token_expiry`.
    func token(position: Int, issued: Int64) -> String {
        OpaqueCursor.encode([
            "z1", sortBy.rawValue, ascending ? "asc" : "desc", modifiedSince.map { String($0) } ?? "",
            String(position), String(issued),
        ])
    }

    static func fromToken(_ token: String) -> (query: ZohoRecordQuery, position: Int, issued: Int64)? {
        guard let fields = OpaqueCursor.decode(token), fields.count == 6, fields[0] == "z1",
            let sortBy = SortField(rawValue: fields[1]), let position = Int(fields[4]), position >= 0,
            let issued = Int64(fields[5])
        else { return nil }
        var query = ZohoRecordQuery()
        query.sortBy = sortBy
        query.ascending = fields[2] == "asc"
        query.modifiedSince = Int64(fields[3])
        return (query, position, issued)
    }
}
