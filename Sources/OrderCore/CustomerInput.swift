/// A customer change as an internal service sends it (`PUT`/`PATCH /customers/{id}`, `POST /customers`;
/// docs/customers.md §1), validated: the id, the change, and the time it happened when the body says.
package struct CustomerInput: Sendable, Equatable {
    package let id: String
    package let change: CustomerChange
    /// `updated_at` of the body, UTC with milliseconds; nil when absent (the server's clock decides).
    package let changedAt: String?
    /// Members of the body that are no customer field, in byte order: not kept, and said so in the answer.
    package let ignored: [String]

    /// `replace`: the whole state (`PUT`, `POST`); `merge`: the fields given (`PATCH`).
    package enum Mode: Sendable { case replace, merge }

    /// Parses `value`; every problem at once when it is invalid. `pathID` is the id of the URL (nil
    /// for `POST /customers`, whose body must carry it); a body id must then equal it.
    package static func parse(_ value: JSONValue, mode: Mode, pathID: String?) throws(Invalid) -> CustomerInput {
        guard case .object(let object) = value else {
            throw Invalid(problems: [ItemProblem(index: nil, field: nil, problem: "must be an object, not \(value.typeName)")])
        }
        var problems: [ItemProblem] = []
        func fail(_ field: String, _ problem: String) {
            problems.append(ItemProblem(index: nil, field: field, problem: problem))
        }

        var id = pathID
        if let pathID, let problem = idProblem(pathID) { fail("id", problem) }
        switch object["id"] {
        case nil, .null?:
            if pathID == nil { fail("id", "is required") }
        case .string(let text)?:
            if let problem = idProblem(text) {
                fail("id", problem)
            } else if let pathID, pathID != text {
                fail("id", "must equal the id of the URL (\(pathID.prefix(64)))")
            } else {
                id = text
            }
        case .number(let text)?:
            if let integer = JSONNumber.integerText(text), idProblem(integer) == nil {
                if let pathID, pathID != integer {
                    fail("id", "must equal the id of the URL (\(pathID.prefix(64)))")
                } else {
                    id = integer
                }
            } else {
                fail("id", "must be a string or an integer of at most \(idLength.upperBound) digits")
            }
        case let other?:
            fail("id", "must be a string or an integer, not \(other.typeName)")
        }

        var fields: [CustomerField: String] = [:]
        for field in CustomerField.allCases {
            guard let member = object[field.rawValue] else { continue }
            switch member {
            case .null: fields[field] = ""
            case .string(let text):
                let trimmed = ContactField.trimmed(text) ?? ""
                if let problem = fieldProblem(trimmed, field) { fail(field.rawValue, problem) } else { fields[field] = trimmed }
            case let other: fail(field.rawValue, "must be a string or null, not \(other.typeName)")
            }
        }
        switch (mode, fields[.email]) {
        case (.replace, nil), (.replace, ""?):
            // An email refused above already has its problem.
            if problems.allSatisfy({ $0.field != "email" }) { fail("email", "is required: the CRMs find a customer by it") }
        case (.merge, ""?): fail("email", "can not be cleared: the CRMs find a customer by it")
        default: break
        }

        var changedAt: String?
        switch object["updated_at"] {
        case nil, .null?: break
        case .string(let text)?:
            if let time = Timestamp(rfc3339: text) {
                changedAt = time.millisecondsText
            } else {
                fail("updated_at", "must be an RFC 3339 date-time with offset or a YYYY-MM-DD date")
            }
        case let other?: fail("updated_at", "must be a string, not \(other.typeName)")
        }

        let known = Set(CustomerField.allCases.map(\.rawValue) + ["id", "updated_at"])
        let ignored = object.members.map(\.name).filter { !known.contains($0) }
        guard problems.isEmpty, let id else { throw Invalid(problems: problems) }
        let change: CustomerChange = mode == .replace ? .replace(fields) : .merge(fields)
        return CustomerInput(id: id, change: change, changedAt: changedAt, ignored: ignored)
    }

    /// Every way a body is no valid customer change (the API answers `422` with them).
    package struct Invalid: Error, Sendable, Equatable {
        package let problems: [ItemProblem]
    }

    package static let idLength = 1...255

    /// Why `id` is no customer id (nil when it is one): not empty, no control characters, at most 255
    /// characters, and no white space at either end (it is a key in URLs and CRMs).
    package static func idProblem(_ id: String) -> String? {
        if let problem = OrderValidator.checkText(id, length: idLength) { return problem }
        if ContactField.trimmed(id) != id { return "must not start or end with white space" }
        return nil
    }

    /// Why `value` (trimmed) is no valid `field`, nil when it is one.
    package static func fieldProblem(_ value: String, _ field: CustomerField) -> String? {
        if value.isEmpty { return nil }
        if let problem = OrderValidator.checkText(value, length: 1...field.maxLength) { return problem }
        if field == .email && !isEmailShaped(value) {
            return "must be an email address (local@domain.tld, no spaces)"
        }
        return nil
    }

    /// `local@domain` with one `@`, no white space or control characters, and a dot inside the domain,
    /// neither first nor last. Deliberately loose (RFC 5322 allows far more); a CRM may refuse more,
    /// and its refusal goes to the dead-letter queue with its message (docs/customers.md §4).
    package static func isEmailShaped(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last, !local.isEmpty,
            let dot = domain.firstIndex(of: "."), dot != domain.startIndex, domain.last != "."
        else { return false }
        return !value.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }
    }
}
