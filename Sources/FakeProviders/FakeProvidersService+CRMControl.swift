import HTTPServer
import OrderCore

/// The fake CRMs' side of the service: answering and logging their requests, the control endpoints
/// `GET /_fake/crm/requests`, `GET /_fake/crm/contacts`, `POST /_fake/crm/reset`, and what an injected
/// fault adds to their answers (limit headers, a log entry).
extension FakeProvidersService {
    /// Contacts one listing page holds at most, and by default.
    static let maxContactsPage = 10_000

    /// Answers a CRM request and records it in the request log.
    func crmAnswer(_ endpoint: CRMEndpoint, _ request: HTTPRequest) -> HTTPResponse {
        let answer: CRMAnswer
        switch endpoint {
        case .hubSpotUpsert, .hubSpotRead, .hubSpotBatchRead, .hubSpotArchive: answer = hubSpot(endpoint, request)
        case .salesforceToken: answer = CRMAnswer(salesforceToken(request))
        case .salesforceUpsert: answer = salesforceUpsert(request)
        case .salesforceDelete: answer = salesforceDelete(request)
        case .requests, .contacts, .reset: return crmControl(endpoint, request)
        }
        if let provider = endpoint.provider {
            logCRM(provider, request, status: answer.response.status, answer.recordCount, answer.records, fault: nil)
        }
        return answer.response
    }

    /// An injected `status` or `rate-limit` answer to a CRM: its limit headers as they stand (no request
    /// counted) and a log entry. Nothing for other providers.
    func crmInjected(_ provider: Provider, _ request: HTTPRequest, _ response: inout HTTPResponse, fault: Fault.Kind) {
        let now = clock.monotonicSeconds()
        switch provider {
        case .hubspot:
            let headers = state.withLock { $0.crm.hubSpotLimits.headers(now: now) }
            for (name, value) in headers { response.headers.set(name, value) }
        case .salesforce:
            let (used, limit) = state.withLock { ($0.crm.salesforceUsage.used(now: now), $0.crm.salesforceUsage.limit) }
            response.headers.set("Sforce-Limit-Info", "api-usage=\(used)/\(limit)")
        case .salesforceToken: break
        default: return
        }
        logCRM(provider, request, status: response.status, 0, [], fault: fault.rawValue)
    }

    /// A CRM request a `drop` fault closed unanswered.
    func crmDropped(_ provider: Provider, _ request: HTTPRequest) {
        guard [.hubspot, .salesforce, .salesforceToken].contains(provider) else { return }
        logCRM(provider, request, status: nil, 0, [], fault: Fault.Kind.drop.rawValue)
    }

    private func logCRM(
        _ provider: Provider, _ request: HTTPRequest, status: Int?, _ count: Int, _ records: [CRMRequestLog.Record],
        fault: String?
    ) {
        let time = Int64((clock.monotonicSeconds() * 1_000).rounded(.down))
        let path = String(request.head.path)
        state.withLock {
            $0.crm.log.append(
                provider, time: time, method: request.method, path: path, status: status, recordCount: count,
                records: records, fault: fault)
        }
    }

    func crmControl(_ endpoint: CRMEndpoint, _ request: HTTPRequest) -> HTTPResponse {
        guard let query = QueryString(request.head.query) else { return Self.controlError("malformed query string") }
        switch endpoint {
        case .requests:
            var provider: Provider?
            if let name = query["provider"] {
                guard let named = Provider(rawValue: name), [.hubspot, .salesforce, .salesforceToken].contains(named)
                else { return Self.controlError("provider must be hubspot, salesforce or salesforce-token") }
                provider = named
            }
            guard let since = Self.number(query["since"], 0, 0...Int.max),
                let limit = Self.number(query["limit"], CRMRequestLog.defaultPage, 1...CRMRequestLog.maxPage)
            else { return Self.controlError("since must be ≥ 0 and limit 1…\(CRMRequestLog.maxPage)") }
            return JSON.response(
                200, state.withLock { $0.crm.log.page(provider: provider, since: since, limit: limit) })
        case .contacts:
            guard let after = Self.number(query["after"], 0, 0...Int.max),
                let limit = Self.number(query["limit"], Self.maxContactsPage, 1...Self.maxContactsPage)
            else { return Self.controlError("after must be ≥ 0 and limit 1…\(Self.maxContactsPage)") }
            switch query["provider"] {
            case "hubspot"?: return hubSpotContacts(after: after, limit: limit)
            case "salesforce"?: return salesforceContacts(after: after, limit: limit)
            default: return Self.controlError("provider must be hubspot or salesforce")
            }
        case .reset:
            state.withLock { $0.crm.reset() }
            return JSON.response(200, text: "{\"reset\":true}")
        default:
            return JSON.response(404, text: "{}")
        }
    }

    /// `{"provider":"hubspot","count":N,"archived":A,"contacts":[…by id],"next_after":id|null}`.
    private func hubSpotContacts(after: Int, limit: Int) -> HTTPResponse {
        let (page, count, archived) = state.withLock {
            ($0.crm.hubSpot.page(after: after, limit: limit + 1), $0.crm.hubSpot.byEmail.count, $0.crm.hubSpot.archived)
        }
        let shown = page.prefix(limit)
        return JSON.response(
            200,
            JSON.object([
                ("provider", .string("hubspot")), ("count", JSON.int(count)), ("archived", JSON.int(archived)),
                ("contacts", .array(shown.map { $0.json() })),
                ("next_after", page.count > limit ? shown.last.map { JSON.int($0.id) } ?? .null : .null),
            ]))
    }

    /// `{"provider":"salesforce","count":N,"deleted":D,"contacts":[…in creation order],"next_after":n|null}`.
    private func salesforceContacts(after: Int, limit: Int) -> HTTPResponse {
        let (page, count, deleted) = state.withLock {
            (
                $0.crm.salesforce.page(after: after, limit: limit + 1), $0.crm.salesforce.byID.count,
                $0.crm.salesforce.deleted
            )
        }
        let shown = page.prefix(limit)
        return JSON.response(
            200,
            JSON.object([
                ("provider", .string("salesforce")), ("count", JSON.int(count)), ("deleted", JSON.int(deleted)),
                ("contacts", .array(shown.map { $0.json(version: "v62.0") })),
                ("next_after", page.count > limit ? shown.last.map { JSON.int($0.number) } ?? .null : .null),
            ]))
    }

    private static func controlError(_ message: String) -> HTTPResponse {
        JSON.response(400, JSON.object([("error", .string(message))]))
    }

    /// A decimal parameter in `range`: `fallback` when absent, nil when unusable.
    private static func number(_ text: String?, _ fallback: Int, _ range: ClosedRange<Int>) -> Int? {
        guard let text else { return fallback }
        guard text.count <= 19, let value = Int(text), range.contains(value) else { return nil }
        return value
    }
}
