import HTTPServer
import OrderCore
package import Storage

/// The customer API for internal systems (docs/customers.md §1): `PUT`/`PATCH`/`DELETE`/`GET
/// /customers/{id}`, `POST /customers` (the flat shape with its id) and `GET /customers`. Every change
/// is a version stored with one outbox delivery per configured CRM in the same transaction; the answer
/// comes once that is durable.
extension OrderService {
    /// Largest customer body: a customer is a handful of short fields.
    static let maxCustomerBodyBytes = 64 * 1_024
    static let customerPageDefault = 100
    static let customerPageMax = 1_000
    static let customerHistoryLimit = 100

    /// Refusals decided from the head alone: a body too large or not JSON.
    func customerPreflight(_ head: HTTPRequestHead) -> HTTPResponse? {
        if let length = head.headers["content-length"].flatMap({ Int($0) }), length > OrderService.maxCustomerBodyBytes {
            return Problem(status: 413, detail: "a customer body may be at most \(OrderService.maxCustomerBodyBytes) bytes")
                .response
        }
        if ContentNegotiation.requestCoding(head) != nil {
            return Problem(status: 415, detail: "customer bodies are taken without Content-Encoding").response
        }
        let type = head.headers["content-type"].map { ContentNegotiation.mediaType($0) } ?? ""
        guard type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json")) else {
            return Problem(status: 415, detail: "the body must be application/json").response
        }
        return nil
    }

    /// Where customers live (nil: the customer endpoints answer 503).
    package var customerStore: (any CustomerStorage)? { configuration.customers.store }

    func putCustomer(_ request: HTTPRequest) -> HTTPResponse {
        changeCustomer(request, mode: .replace, pathID: request.parameters["id"])
    }

    func patchCustomer(_ request: HTTPRequest) -> HTTPResponse {
        changeCustomer(request, mode: .merge, pathID: request.parameters["id"])
    }

    func postCustomer(_ request: HTTPRequest) -> HTTPResponse {
        changeCustomer(request, mode: .replace, pathID: nil)
    }

    func deleteCustomer(_ request: HTTPRequest) -> HTTPResponse {
        guard let customers = configuration.customers.store else { return customersUnavailable() }
        guard let id = request.parameters["id"], CustomerInput.idProblem(id) == nil else {
            return Problem(status: 404, detail: "no customer with this id").response
        }
        let now = OrderService.now().millisecondsText
        return apply(
            CustomerChangeRequest(
                customerID: id, change: .delete, source: "api", changedAt: now, receivedAt: now,
                crms: configuration.customers.crms, timeIsReceipt: true), ignored: [], on: customers)
    }

    private func changeCustomer(_ request: HTTPRequest, mode: CustomerInput.Mode, pathID: String?) -> HTTPResponse {
        if let refusal = customerPreflight(request.head) { return refusal }
        guard request.body.count <= OrderService.maxCustomerBodyBytes else {
            return Problem(status: 413, detail: "a customer body may be at most \(OrderService.maxCustomerBodyBytes) bytes")
                .response
        }
        guard let customers = configuration.customers.store else { return customersUnavailable() }
        let value: JSONValue
        do {
            value = try JSONParser.parse(request.body)
        } catch {
            var problem = Problem(status: 400, detail: "malformed JSON: \(error)", type: Problem.malformedJSONType)
            problem.syntax = error
            return problem.response
        }
        let input: CustomerInput
        do {
            input = try CustomerInput.parse(value, mode: mode, pathID: pathID)
        } catch {
            var problem = Problem(
                status: 422, detail: "the customer is not valid; nothing was stored",
                type: "urn:ordersync:problem:invalid-customer")
            problem.errors = error.problems
            return problem.response
        }
        let now = OrderService.now().millisecondsText
        return apply(
            CustomerChangeRequest(
                customerID: input.id, change: input.change, source: "api", changedAt: input.changedAt ?? now,
                receivedAt: now, crms: configuration.customers.crms, timeIsReceipt: input.changedAt == nil),
            ignored: input.ignored, on: customers)
    }

    private func apply(
        _ change: CustomerChangeRequest, ignored: [String], on customers: any CustomerStorage
    ) -> HTTPResponse {
        let result: CustomerChangeResult
        do {
            result = try customers.change(change)
        } catch {
            return storeFailure(error)
        }
        if result.queued > 0 { configuration.customers.onQueued?() }
        guard let version = result.version else {
            return Problem(status: 404, detail: "no customer with this id (PUT creates one)").response
        }
        var writer = JSONWriter(capacity: 512)
        writer.raw("{\"status\":")
        writer.string(result.outcome.rawValue)
        writer.raw(",\"queued\":")
        writer.integer(Int64(result.queued))
        writer.raw(",\"ignored_fields\":[")
        for (position, name) in ignored.enumerated() {
            if position > 0 { writer.raw(",") }
            writer.string(name)
        }
        writer.raw("],\"version\":")
        write(version, into: &writer)
        writer.raw("}")
        let created = result.outcome == .applied && version.version == 1
        var response = HTTPResponse(status: created ? 201 : 200, contentType: "application/json", body: writer.bytes)
        if created { response.headers.add("Location", "/customers/" + PercentEncoding.encode(version.customerID)) }
        return response
    }

    func getCustomer(_ request: HTTPRequest) -> HTTPResponse {
        guard let customers = configuration.customers.store else { return customersUnavailable() }
        guard let id = request.parameters["id"], CustomerInput.idProblem(id) == nil else {
            return Problem(status: 404, detail: "no customer with this id").response
        }
        let found: CustomerDetail?
        do {
            found = try customers.customer(id, historyLimit: OrderService.customerHistoryLimit)
        } catch {
            return storeFailure(error)
        }
        guard let detail = found else { return Problem(status: 404, detail: "no customer with this id").response }
        var writer = JSONWriter(capacity: 2_048)
        writer.raw("{\"id\":")
        writer.string(id)
        writer.raw(",\"current\":")
        write(detail.current, into: &writer)
        writer.raw(",\"history\":[")
        for (position, version) in detail.history.enumerated() {
            if position > 0 { writer.raw(",") }
            write(version, into: &writer)
        }
        writer.raw("],\"deliveries\":[")
        let known = Dictionary(detail.deliveries.map { ($0.crm, $0) }, uniquingKeysWith: { first, _ in first })
        let crms = (configuration.customers.crms + detail.deliveries.map(\.crm)).reduce(into: [String]()) {
            if !$0.contains($1) { $0.append($1) }
        }
        for (position, crm) in crms.enumerated() {
            if position > 0 { writer.raw(",") }
            let state = known[crm]
            writer.raw("{\"crm\":")
            writer.string(crm)
            writer.raw(",\"delivered_version\":")
            if let delivered = state?.deliveredVersion { writer.integer(Int64(delivered)) } else { writer.raw("null") }
            writer.raw(",\"delivered_at\":")
            writer.optionalString(state?.deliveredAt)
            writer.raw(",\"pending\":")
            writer.integer(Int64(state?.pending ?? 0))
            writer.raw(",\"dead\":")
            writer.integer(Int64(state?.dead ?? 0))
            writer.raw(",\"last_error\":")
            writer.optionalString(state?.lastError)
            writer.raw(",\"up_to_date\":")
            writer.raw(state.map { $0.deliveredVersion == detail.current.version } ?? false ? "true" : "false")
            writer.raw("}")
        }
        writer.raw("]}")
        return HTTPResponse(status: 200, contentType: "application/json", body: writer.bytes)
    }

    func listCustomers(_ request: HTTPRequest) -> HTTPResponse {
        guard let customers = configuration.customers.store else { return customersUnavailable() }
        let query: PageQuery
        switch Self.pageQuery(
            request, known: ["limit", "after"], defaultLimit: Self.customerPageDefault, maxLimit: Self.customerPageMax)
        {
        case .success(let parsed): query = parsed
        case .failure(let problem): return problem.response
        }
        let limit = query.limit
        let after = query.parameters["after"]
        let page: [CustomerVersion]
        do {
            page = try customers.customers(after: after, limit: limit + 1)
        } catch {
            return storeFailure(error)
        }
        let shown = page.prefix(limit)
        var writer = JSONWriter(capacity: 256 * (shown.count + 1))
        writer.raw("{\"customers\":[")
        for (position, version) in shown.enumerated() {
            if position > 0 { writer.raw(",") }
            write(version, into: &writer)
        }
        writer.raw("],\"next_after\":")
        let next = page.count > limit ? shown.last?.customerID : nil
        writer.optionalString(next)
        writer.raw("}")
        var response = HTTPResponse(status: 200, contentType: "application/json", body: writer.bytes)
        if let next {
            response.headers.add(
                "Link", "</customers?limit=\(limit)&after=\(PercentEncoding.encode(next))>; rel=\"next\"")
        }
        return response
    }

    /// One version as the API shows it: the state (null once deleted) and where it came from.
    func write(_ version: CustomerVersion, into writer: inout JSONWriter) {
        writer.raw("{\"id\":")
        writer.string(version.customerID)
        writer.raw(",\"version\":")
        writer.integer(Int64(version.version))
        writer.raw(",\"deleted\":")
        writer.raw(version.customer == nil ? "true" : "false")
        writer.raw(",\"applied\":")
        writer.raw(version.applied ? "true" : "false")
        writer.raw(",\"source\":")
        writer.string(version.source)
        writer.raw(",\"changed_at\":")
        writer.string(version.changedAt)
        writer.raw(",\"received_at\":")
        writer.string(version.receivedAt)
        writer.raw(",\"customer\":")
        if let customer = version.customer { writer.write(customer.json) } else { writer.raw("null") }
        writer.raw("}")
    }

    func customersUnavailable() -> HTTPResponse {
        Problem(status: 503, detail: "the customer API is not configured on this server").response
    }
}
