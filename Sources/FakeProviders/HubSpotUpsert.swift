import OrderCore

/// Applies a decoded batch to the contacts. Each input succeeds or fails alone: the answer is 200 when
/// all succeed, else 207 with `results` for the good ones and one `errors` entry per bad one
/// (`BatchResponseSimplePublicUpsertObjectWithErrors`, docs/customers.md §6).
struct HubSpotUpsert {
    /// Longest property value HubSpot stores (65,536 characters).
    static let maxValueLength = 65_536
    /// Problems listed per failed input: a hostile input may name thousands of unknown properties.
    static let maxProblemsPerInput = 20

    /// One reason an input failed: HubSpot's `error` code, the property and a message.
    struct Problem {
        let code: String
        let name: String
        let message: String
    }

    var results: [(id: Int, json: JSONValue)] = []
    var errors: [JSONValue] = []
    var logged: [CRMRequestLog.Record] = []

    /// Runs every input in order against `contacts`; `writable` is the portal's property set.
    init(_ inputs: [HubSpotUpsertInput], contacts: inout HubSpotContacts, writable: Set<String>, at milliseconds: Int64)
    {
        for input in inputs {
            let key = CRMEmail.key(input.id)
            var problems = Self.problems(input, writable: writable)
            var outcome: (contact: HubSpotContact, created: Bool)?
            if problems.isEmpty {
                outcome = contacts.upsert(email: key, properties: input.properties, at: milliseconds)
                if outcome == nil {
                    problems.append(
                        Problem(
                            code: "CONTACT_LIMIT_REACHED", name: "email",
                            message: "The fake portal holds \(HubSpotContacts.maxContacts) contacts at most"))
                }
            }
            let record = { (result: String) in
                CRMRequestLog.Record(key: key, content: input.content, outcome: result)
            }
            guard let (contact, created) = outcome else {
                errors.append(Self.error(input, problems))
                logged.append(record(problems.first?.code ?? "VALIDATION_ERROR"))
                continue
            }
            var members: [(String, JSONValue)] = [("new", .bool(created))]
            if case .object(let object) = contact.json() { members += object.members.map { ($0.name, $0.value) } }
            if let trace = input.objectWriteTraceID { members.append(("objectWriteTraceId", .string(trace))) }
            results.append((contact.id, JSON.object(members)))
            logged.append(record(created ? "created" : "updated"))
        }
        // Results are not index-aligned with inputs (§A.2): the fake lists them by object id, so a client
        // that pairs them by position instead of by email or trace id finds out.
        results.sort { $0.id < $1.id }
    }

    /// What is wrong with one input, in HubSpot's terms.
    static func problems(_ input: HubSpotUpsertInput, writable: Set<String>) -> [Problem] {
        var problems: [Problem] = []
        guard input.idProperty == "email" else {
            return [
                Problem(
                    code: "INVALID_ID_PROPERTY", name: input.idProperty ?? "idProperty",
                    message: "idProperty must be email: the fake upserts contacts by email only")
            ]
        }
        if !CRMEmail.isValid(input.id) {
            problems.append(
                Problem(code: "INVALID_EMAIL", name: "email", message: "Email address \(input.id) is invalid"))
        }
        for (name, value) in input.properties where problems.count < maxProblemsPerInput {
            if HubSpotConfiguration.readOnlyProperties.contains(name) {
                problems.append(
                    Problem(
                        code: "READ_ONLY_VALUE", name: name,
                        message: "Property \"\(name)\" is a read only property; its value cannot be set."))
            } else if !writable.contains(name) {
                problems.append(
                    Problem(code: "PROPERTY_DOESNT_EXIST", name: name, message: "Property \"\(name)\" does not exist"))
            } else if value.unicodeScalars.count > maxValueLength {
                problems.append(
                    Problem(
                        code: "VALUE_TOO_LONG", name: name,
                        message: "Property \"\(name)\" is longer than \(maxValueLength) characters"))
            } else if name == "email" && !value.isEmpty && CRMEmail.key(value) != CRMEmail.key(input.id) {
                problems.append(
                    Problem(
                        code: "CONFLICTING_EMAIL", name: name,
                        message: "Property \"email\" must equal the id when idProperty is email"))
            }
        }
        return problems
    }

    /// The `errors` entry of a failed input (`StandardError`): `context.ids` names it, and its trace id
    /// when it had one; the message lists the property errors as HubSpot's does, a JSON array in text.
    static func error(_ input: HubSpotUpsertInput, _ problems: [Problem]) -> JSONValue {
        let listed = problems.map { problem in
            JSON.object([
                ("isValid", .bool(false)), ("message", .string(problem.message)), ("error", .string(problem.code)),
                ("name", .string(problem.name)), ("localizedErrorMessage", .string(problem.message)),
                ("portalId", JSON.int(Refusal.hubSpotPortalID)),
            ])
        }
        var context: [(String, JSONValue)] = [("ids", .array([.string(input.id)]))]
        if let trace = input.objectWriteTraceID { context.append(("objectWriteTraceId", .array([.string(trace)]))) }
        let details = problems.map { problem in
            JSON.object([
                ("message", .string(problem.message)), ("code", .string(problem.code)), ("in", .string(problem.name)),
                ("context", JSON.object([("propertyName", .array([.string(problem.name)]))])),
            ])
        }
        return JSON.object([
            ("status", .string("error")), ("category", .string("VALIDATION_ERROR")),
            (
                "message",
                .string(
                    "Property values were not valid: " + String(decoding: JSON.bytes(.array(listed)), as: UTF8.self))
            ),
            ("context", JSON.object(context)), ("errors", .array(details)), ("links", JSON.object([])),
        ])
    }
}
