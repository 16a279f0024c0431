import HTTPServer
import OrderCore

/// Salesforce REST (docs/customers.md §7, docs/providers.md §4): the Contact collection upsert
/// `PATCH /services/data/vNN.0/composite/sobjects/Contact/{ExtIdField}` (v46 and later) and
/// `DELETE /services/data/vNN.0/sobjects/Contact/{ExtIdField}/{value}`, behind a session token and the
/// org's daily request count (`Sforce-Limit-Info` on every answer past authentication).
extension FakeProvidersService {
    /// API versions the fake serves: sObject Collections upsert exists from 46.0 (§B.4); 68.0 is the
    /// newest the reference note saw in examples (§B.2).
    static let salesforceVersions = 20...68
    static let salesforceCollectionUpsertSince = 46

    func salesforceUpsert(_ request: HTTPRequest) -> CRMAnswer {
        salesforceGate(request, since: Self.salesforceCollectionUpsertSince) {
            (field: String) throws(Refusal) -> CRMAnswer in
            let collection: SalesforceCollection
            do throws(SalesforceCollection.Invalid) {
                collection = try SalesforceCollection(request.body)
            } catch {
                return CRMAnswer(Refusal.salesforce(400, error.code, error.message), recordCount: error.records)
            }
            let milliseconds = clock.wallSeconds() * 1_000
            let upsert = state.withLock { state in
                SalesforceUpsert(
                    collection, by: field, fields: state.crm.salesforceFields, contacts: &state.crm.salesforce,
                    at: milliseconds)
            }
            return CRMAnswer(
                JSON.response(200, .array(upsert.results)), recordCount: collection.records.count,
                records: upsert.logged)
        }
    }

    func salesforceDelete(_ request: HTTPRequest) -> CRMAnswer {
        let value = request.parameters["value"] ?? ""
        return salesforceGate(request, since: Self.salesforceVersions.lowerBound) {
            (field: String) throws(Refusal) -> CRMAnswer in
            let deleted = state.withLock { $0.crm.salesforce.delete(field, value) }
            let record = CRMRequestLog.Record(key: value, content: nil, outcome: deleted ? "deleted" : "not_found")
            return CRMAnswer(
                deleted ? HTTPResponse(status: 204) : Refusal.salesforceNotFound.response, recordCount: 1,
                records: [record])
        }
    }

    /// Session, daily count, version, object and external-id field; then `body` with the field's
    /// canonical name. Every answer past the session check carries `Sforce-Limit-Info`.
    private func salesforceGate(
        _ request: HTTPRequest, since oldest: Int, _ body: (String) throws(Refusal) -> CRMAnswer
    ) -> CRMAnswer {
        let now = clock.monotonicSeconds()
        let ttl = configuration.salesforce.tokenTTLSeconds
        guard let token = Self.bearer(request),
            state.withLock({ $0.crm.salesforceTokens.use(token, now: now, ttlSeconds: ttl) })
        else { return CRMAnswer(Refusal.salesforceInvalidSession) }
        // Refused requests are not counted: the header then shows the limit reached, as the org's does.
        let exhausted = state.withLock { state in
            if state.crm.salesforceUsage.isExhausted(now: now) { return true }
            state.crm.salesforceUsage.count(now: now)
            return false
        }
        var answer: CRMAnswer
        do throws(Refusal) {
            if exhausted { throw Refusal.salesforceLimitExceeded }
            guard let version = Self.salesforceVersion(request.parameters["version"] ?? ""),
                (oldest...Self.salesforceVersions.upperBound).contains(version),
                request.parameters["sobject"]?.lowercased() == "contact"
            else { throw Refusal.salesforceNotFound }
            let sent = request.parameters["field"] ?? ""
            guard let (field, kind) = state.withLock({ $0.crm.salesforceFields.lookup(sent) }) else {
                throw Refusal.salesforce(
                    404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: \(sent)")
            }
            guard kind == .externalID else {
                throw Refusal.salesforce(
                    400, "INVALID_FIELD",
                    "Field name provided, \(field) is not an External ID or indexed field for Contact")
            }
            answer = try body(field)
        } catch {
            answer = CRMAnswer(error)
        }
        let (used, limit) = state.withLock { ($0.crm.salesforceUsage.used(now: now), $0.crm.salesforceUsage.limit) }
        answer.response.headers.set("Sforce-Limit-Info", "api-usage=\(used)/\(limit)")
        return answer
    }

    /// `v62.0` → 62; nil for anything else.
    static func salesforceVersion(_ text: String) -> Int? {
        guard text.hasPrefix("v"), text.hasSuffix(".0") else { return nil }
        let digits = text.dropFirst().dropLast(2)
        guard (1...3).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }
}
