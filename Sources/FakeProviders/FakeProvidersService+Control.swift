import HTTPServer
import OrderCore

/// The control API for tests and benchmarks under `/_fake/` (no auth): faults, mutations, token expiry,
/// statistics and the data set summary.
extension FakeProvidersService {
    /// Most records one mutation may touch or add, per kind.
    static let maxMutation = 100_000

    func control(_ endpoint: Endpoint, _ request: HTTPRequest) -> HTTPResponse {
        switch endpoint {
        case .addFaults: return addFaults(request.body)
        case .clearFaults:
            state.withLock { $0.faults.clear() }
            return JSON.response(200, text: "{\"pending\":{}}")
        case .mutate: return mutate(request.body)
        case .wooMutate: return wooCommerceMutate(request.body)
        case .expireTokens:
            let now = clock.monotonicSeconds()
            let expired = state.withLock { state in
                defer { state.tokens.expireAll() }
                return state.tokens.liveCount(now: now) + state.crm.salesforceTokens.expireAll(now: now)
            }
            return JSON.response(200, JSON.object([("expired", JSON.int(expired))]))
        case .stats:
            let now = clock.monotonicSeconds()
            return JSON.response(
                200,
                state.withLock {
                    $0.stats.json(liveTokens: $0.tokens.liveCount(now: now), pendingFaults: $0.faults.remaining)
                })
        case .resetStats:
            state.withLock { $0.stats = ProviderStats() }
            return JSON.response(200, text: "{}")
        case .dataset:
            return JSON.response(200, state.withLock { $0.data.summary() })
        case .crm(let endpoint):
            return crmControl(endpoint, request)
        default:
            return JSON.response(404, text: "{}")
        }
    }

    /// `{"provider":…,"kind":…,"count":3,"status":503,"delay_ms":2000,"retry_after":1}`, or an array of them.
    private func addFaults(_ body: [UInt8]) -> HTTPResponse {
        guard let value = try? JSONParser.parse(body) else { return badRequest("the body is not JSON") }
        var items: [JSONValue] = []
        if case .array(let elements) = value { items = elements } else { items = [value] }
        var faults: [Fault] = []
        for item in items {
            guard case .string(let providerName)? = item["provider"], let provider = Provider(rawValue: providerName),
                case .string(let kindName)? = item["kind"], let kind = Fault.Kind(rawValue: kindName)
            else {
                let providers = Provider.allCases.map(\.rawValue).joined(separator: ", ")
                return badRequest(
                    "provider must be one of \(providers); kind status, rate-limit, slow, truncate or drop")
            }
            guard let count = Self.integer(item["count"], 1), let status = Self.integer(item["status"], 503),
                let delay = Self.integer(item["delay_ms"], 2_000)
            else { return badRequest("count, status and delay_ms must be integers") }
            var fault = Fault(provider: provider, kind: kind, count: count)
            fault.status = status
            fault.delayMilliseconds = delay
            if let retryAfter = item["retry_after"] {
                guard case .number(let text) = retryAfter, let seconds = Double(text) else {
                    return badRequest("retry_after must be a number of seconds")
                }
                fault.retryAfterSeconds = seconds
            }
            guard fault.isValid else {
                return badRequest(
                    "count 1…\(Fault.maxCount), status 400…599, delay_ms 0…\(Fault.maxDelayMilliseconds), retry_after 0…3600"
                )
            }
            faults.append(fault)
        }
        let pending = state.withLock { state in
            for fault in faults { state.faults.add(fault) }
            return state.faults.remaining
        }
        return JSON.response(
            200, JSON.object([("pending", JSON.object(pending.map { ($0.key.rawValue, JSON.int($0.value)) }))]))
    }

    /// `{"orders":N,"contacts":M,"new_orders":A,"new_contacts":B}` (each optional, default 0).
    private func mutate(_ body: [UInt8]) -> HTTPResponse {
        guard let value = try? JSONParser.parse(body), case .object = value else {
            return badRequest("the body must be a JSON object")
        }
        var counts: [Int] = []
        for name in ["orders", "contacts", "new_orders", "new_contacts"] {
            guard let count = Self.integer(value[name], 0), (0...Self.maxMutation).contains(count) else {
                return badRequest("\(name) must be an integer in 0…\(Self.maxMutation)")
            }
            counts.append(count)
        }
        let result = state.withLock {
            $0.data.mutate(orders: counts[0], contacts: counts[1], newOrders: counts[2], newContacts: counts[3])
        }
        return JSON.response(
            200,
            JSON.object([
                ("changed_orders", .array(result.changedOrders.map(JSON.int))),
                ("changed_contacts", .array(result.changedContacts.map { .string(String($0)) })),
                ("new_orders", .array(result.newOrders.map(JSON.int))),
                ("new_contacts", .array(result.newContacts.map { .string(String($0)) })),
                ("from", .string(LocalTime.utc(result.from))), ("until", .string(LocalTime.utc(result.until))),
            ]))
    }

    private func badRequest(_ message: String) -> HTTPResponse {
        JSON.response(400, JSON.object([("error", .string(message))]))
    }

    /// An integer member: `fallback` when absent, nil when present but not an integer.
    private static func integer(_ value: JSONValue?, _ fallback: Int) -> Int? {
        guard let value else { return fallback }
        guard case .number(let text) = value, let number = Double(text) else { return nil }
        return Int(exactly: number)
    }
}
