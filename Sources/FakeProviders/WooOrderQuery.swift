import OrderCore

/// The order list's parameters as WooCommerce's CRUD controller reads them (docs/providers.md §3):
/// `modified_after` / `modified_before` are WordPress date queries, exclusive bounds on
/// `date_modified` (the site's time) or, with `dates_are_gmt=true`, on `date_modified_gmt`; sorting by
/// `date`, `modified` or `id` breaks ties by id in the same direction.
struct WooOrderQuery: Sendable {
    var page = 1
    var perPage = FakeProvidersService.wooDefaultPerPage
    var offset: Int?
    var modifiedAfter: Int64?
    var modifiedBefore: Int64?
    var gmt = false
    var ascending = false
    var orderBy = "date"

    static let orderings: Set = ["date", "id", "modified", "include", "title", "slug"]

    init(_ parameters: QueryString) throws(Refusal) {
        func integer(_ name: String, minimum: Int, maximum: Int = .max) throws(Refusal) -> Int? {
            guard let text = parameters[name] else { return nil }
            guard let value = Int(text), value >= minimum, value <= maximum else {
                let range =
                    maximum == .max
                    ? "greater than or equal to \(minimum)"
                    : "between \(minimum) (inclusive) and \(maximum) (inclusive)"
                throw Refusal.wooInvalid(name, "\(name) must be \(range).")
            }
            return value
        }
        page = try integer("page", minimum: 1) ?? 1
        perPage = try integer("per_page", minimum: 1, maximum: FakeProvidersService.wooMaxPerPage) ?? perPage
        offset = try integer("offset", minimum: 0)
        switch parameters["dates_are_gmt"] {
        case nil, "false"?, "0"?: gmt = false
        case "true"?, "1"?: gmt = true
        default: throw Refusal.wooInvalid("dates_are_gmt", "dates_are_gmt is not of type boolean.")
        }
        switch parameters["order"] {
        case nil, "desc"?: ascending = false
        case "asc"?: ascending = true
        default: throw Refusal.wooInvalid("order", "order is not one of asc and desc.")
        }
        if let name = parameters["orderby"] {
            guard WooOrderQuery.orderings.contains(name) else {
                throw Refusal.wooInvalid(
                    "orderby", "orderby is not one of date, id, include, title, slug, and modified.")
            }
            orderBy = name
        }
        modifiedAfter = try WooOrderQuery.time(parameters, "modified_after")
        modifiedBefore = try WooOrderQuery.time(parameters, "modified_before")
    }

    /// An ISO 8601 date-time (WordPress's `rest_parse_date`: the offset is optional). Without an
    /// offset it is read in the column's own zone, so it is compared with that column's text as is.
    private static func time(_ parameters: QueryString, _ name: String) throws(Refusal) -> Int64? {
        guard let text = parameters[name] else { return nil }
        guard text.utf8.count >= 19, let seconds = LocalTime.parse(text) ?? LocalTime.parse(text + "Z") else {
            throw Refusal.wooInvalid(name, "Invalid date.")
        }
        return seconds
    }

    /// The column a bound or sort compares, as seconds in its own zone (`*_gmt` or the site's time).
    private func modified(_ order: FakeWooOrder) -> Int64 {
        gmt ? order.modified : order.modified + Int64(FakeWooOrder.siteOffset)
    }

    func select(from orders: [FakeWooOrder]) -> [FakeWooOrder] {
        let kept = orders.filter { order in
            if let modifiedAfter, modified(order) <= modifiedAfter { return false }
            if let modifiedBefore, modified(order) >= modifiedBefore { return false }
            return true
        }
        return kept.sorted { a, b in
            let (x, y): (Int64, Int64) =
                switch orderBy {
                case "modified": (a.modified, b.modified)
                case "date": (a.created, b.created)
                default: (a.id, b.id)
                }
            if x != y { return ascending ? x < y : x > y }
            return ascending ? a.id < b.id : a.id > b.id
        }
    }
}
