import HTTPServer
import OrderCore

#if canImport(Glibc)
    import Glibc
#endif

/// The reqres-style generic source: `GET /api/users?page=&per_page=` and `GET /api/users/{id}`, with an
/// optional `x-api-key` (401 `{}` without it when `--customers-key` is set).
extension FakeProvidersService {
    static let usersDefaultPerPage = 6
    /// Larger pages are cut to this (reqres documents no maximum; the fake needs one).
    static let usersMaxPerPage = 1_000
    /// `delay=` is honoured up to this many seconds.
    static let usersMaxDelaySeconds = 10

    func users(_ request: HTTPRequest) -> HTTPResponse {
        if let refused = customersGate(request) { return refused }
        let parameters = QueryString(request.head.query)
        // reqres reads unusable numbers as the defaults.
        let page = parameters?["page"].flatMap { Int($0) }.flatMap { $0 >= 1 ? $0 : nil } ?? 1
        let perPage = min(
            parameters?["per_page"].flatMap { Int($0) }.flatMap { $0 >= 1 ? $0 : nil } ?? Self.usersDefaultPerPage,
            Self.usersMaxPerPage)
        let users = state.withLock { $0.data.users }
        let start = (page - 1).multipliedReportingOverflow(by: perPage)
        let slice =
            !start.overflow && start.partialValue < users.count
            ? users[start.partialValue..<min(start.partialValue + perPage, users.count)] : []
        return JSON.response(
            200,
            JSON.object([
                ("page", JSON.int(page)), ("per_page", JSON.int(perPage)), ("total", JSON.int(users.count)),
                ("total_pages", JSON.int((users.count + perPage - 1) / perPage)),
                ("data", .array(slice.map(\.json))), ("support", Self.support),
            ]))
    }

    func user(_ request: HTTPRequest) -> HTTPResponse {
        if let refused = customersGate(request) { return refused }
        let id = request.parameters["id"].flatMap { Int($0) }
        guard let user = state.withLock({ state in state.data.users.first { $0.id == id } }) else {
            return JSON.response(404, text: "{}")
        }
        return JSON.response(200, JSON.object([("data", user.json), ("support", Self.support)]))
    }

    /// The key check and the optional `delay=` latency.
    private func customersGate(_ request: HTTPRequest) -> HTTPResponse? {
        if let key = configuration.customersKey, request.headers["x-api-key"] != key {
            return JSON.response(401, text: "{}")
        }
        if let delay = QueryString(request.head.query)?["delay"].flatMap({ Int($0) }), delay > 0 {
            usleep(UInt32(min(delay, Self.usersMaxDelaySeconds)) * 1_000_000)
        }
        return nil
    }

    private static let support = JSON.object([
        ("url", .string("https://reqres.in/#support-heading")),
        ("text", .string("To keep ReqRes free, contributions towards server costs are appreciated!")),
    ])
}
