import HTTPServer
import OrderCore
import Storage

/// The outbox for operators (docs/customers.md §4): `GET /outbox` (depth and oldest age per CRM),
/// `GET /outbox/dead` (the dead-letter queue), `POST /outbox/dead/{id}/redrive` and
/// `POST /outbox/dead/redrive` (all, or `?crm=` one CRM's).
extension OrderService {
    static let deadLetterPageDefault = 100
    static let deadLetterPageMax = 1_000

    func outbox(_ request: HTTPRequest) -> HTTPResponse {
        guard let customers = configuration.customers.store else { return customersUnavailable() }
        let now = OrderService.now()
        let depths: [OutboxDepth]
        do {
            depths = try customers.outboxStatus(now: now.millisecondsText)
        } catch {
            return storeFailure(error)
        }
        let known = Dictionary(depths.map { ($0.crm, $0) }, uniquingKeysWith: { first, _ in first })
        let crms = (configuration.customers.crms + depths.map(\.crm)).reduce(into: [String]()) {
            if !$0.contains($1) { $0.append($1) }
        }
        var writer = JSONWriter(capacity: 256 * (crms.count + 1))
        writer.raw("{\"crms\":[")
        for (position, crm) in crms.enumerated() {
            if position > 0 { writer.raw(",") }
            let depth = known[crm]
            writer.raw("{\"crm\":")
            writer.string(crm)
            writer.raw(",\"configured\":")
            writer.raw(configuration.customers.crms.contains(crm) ? "true" : "false")
            writer.raw(",\"pending_customers\":")
            writer.integer(Int64(depth?.pendingCustomers ?? 0))
            writer.raw(",\"pending_versions\":")
            writer.integer(Int64(depth?.pendingVersions ?? 0))
            writer.raw(",\"oldest_pending_at\":")
            writer.optionalString(depth?.oldestPendingAt)
            writer.raw(",\"oldest_pending_age_seconds\":")
            if let oldest = depth?.oldestPendingAt.flatMap(Timestamp.init(rfc3339:)) {
                let age = max(0, now.millisecondsSinceEpoch - oldest.millisecondsSinceEpoch)
                writer.raw(String(Double(age) / 1_000))
            } else {
                writer.raw("null")
            }
            writer.raw(",\"dead\":")
            writer.integer(Int64(depth?.dead ?? 0))
            writer.raw(",\"delivered\":")
            writer.integer(Int64(depth?.delivered ?? 0))
            writer.raw("}")
        }
        writer.raw("]}")
        return HTTPResponse(status: 200, contentType: "application/json", body: writer.bytes)
    }

    func deadLetters(_ request: HTTPRequest) -> HTTPResponse {
        guard let customers = configuration.customers.store else { return customersUnavailable() }
        let query: PageQuery
        switch Self.pageQuery(
            request, known: ["crm", "before", "limit"], defaultLimit: Self.deadLetterPageDefault,
            maxLimit: Self.deadLetterPageMax)
        {
        case .success(let parsed): query = parsed
        case .failure(let problem): return problem.response
        }
        let limit = query.limit
        var before: Int64?
        if let text = query.parameters["before"] {
            guard let number = Int64(text), number > 0 else {
                return Problem(status: 400, detail: "before must be a delivery id (a positive integer)").response
            }
            before = number
        }
        let letters: [DeadLetter]
        do {
            letters = try customers.deadLetters(crm: query.parameters["crm"], before: before, limit: limit + 1)
        } catch {
            return storeFailure(error)
        }
        let shown = letters.prefix(limit)
        var writer = JSONWriter(capacity: 256 * (shown.count + 1))
        writer.raw("{\"dead\":[")
        for (position, letter) in shown.enumerated() {
            if position > 0 { writer.raw(",") }
            writer.raw("{\"delivery_id\":")
            writer.integer(letter.deliveryID)
            writer.raw(",\"crm\":")
            writer.string(letter.crm)
            writer.raw(",\"customer_id\":")
            writer.string(letter.customerID)
            writer.raw(",\"version\":")
            writer.integer(Int64(letter.version))
            writer.raw(",\"attempts\":")
            writer.integer(Int64(letter.attempts))
            writer.raw(",\"reason\":")
            writer.string(letter.reason)
            writer.raw(",\"queued_at\":")
            writer.string(letter.queuedAt)
            writer.raw(",\"dead_at\":")
            writer.string(letter.deadAt)
            writer.raw("}")
        }
        writer.raw("],\"next_before\":")
        if letters.count > limit, let last = shown.last { writer.integer(last.deliveryID) } else { writer.raw("null") }
        writer.raw("}")
        return HTTPResponse(status: 200, contentType: "application/json", body: writer.bytes)
    }

    /// `POST /outbox/dead/{id}/redrive`: 404 unless `id` is a dead letter.
    func redriveOne(_ request: HTTPRequest) -> HTTPResponse {
        guard let text = request.parameters["id"], let id = Int64(text), id > 0 else {
            return Problem(status: 404, detail: "no dead letter with this delivery id").response
        }
        return redrive(deliveryID: id, crm: nil)
    }

    /// `POST /outbox/dead/redrive[?crm=…]`.
    func redriveAll(_ request: HTTPRequest) -> HTTPResponse {
        guard let query = QueryParameters(request.head.query), query.duplicates.isEmpty,
            query.names.allSatisfy({ $0 == "crm" })
        else {
            return Problem(status: 400, detail: "the only query parameter is crm").response
        }
        return redrive(deliveryID: nil, crm: query["crm"])
    }

    private func redrive(deliveryID: Int64?, crm: String?) -> HTTPResponse {
        guard let customers = configuration.customers.store else { return customersUnavailable() }
        let counts: (redriven: Int, superseded: Int)
        do {
            counts = try customers.redrive(deliveryID: deliveryID, crm: crm, at: OrderService.now().millisecondsText)
        } catch {
            return storeFailure(error)
        }
        if deliveryID != nil && counts.redriven + counts.superseded == 0 {
            return Problem(status: 404, detail: "no dead letter with this delivery id").response
        }
        return OrderService.json(
            200, "{\"redriven\":\(counts.redriven),\"superseded\":\(counts.superseded)}")
    }
}
