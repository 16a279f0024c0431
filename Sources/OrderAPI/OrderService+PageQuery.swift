import HTTPServer

/// The query of the customer API's paged listings (`GET /customers`, `GET /outbox/dead`): each
/// parameter at most once, only known names, and a `limit` within bounds (docs/customers.md §1, §4).
extension OrderService {
    struct PageQuery {
        let parameters: QueryParameters
        let limit: Int
    }

    /// The query and its limit (`defaultLimit` when absent), or the `400` that names what is wrong.
    static func pageQuery(
        _ request: HTTPRequest, known: [String], defaultLimit: Int, maxLimit: Int
    ) -> Result<PageQuery, Problem> {
        guard let query = QueryParameters(request.head.query), query.duplicates.isEmpty else {
            return .failure(Problem(status: 400, detail: "the query string is malformed or repeats a parameter"))
        }
        if let unknown = query.names.first(where: { !known.contains($0) }) {
            return .failure(
                Problem(
                    status: 400,
                    detail: "unknown query parameter \(unknown.prefix(64)) (known: \(known.joined(separator: ", ")))"))
        }
        guard let text = query["limit"] else { return .success(PageQuery(parameters: query, limit: defaultLimit)) }
        guard let limit = Int(text), (1...maxLimit).contains(limit) else {
            return .failure(Problem(status: 400, detail: "limit must be an integer from 1 to \(maxLimit)"))
        }
        return .success(PageQuery(parameters: query, limit: limit))
    }
}
