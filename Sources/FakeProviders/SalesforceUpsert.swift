import OrderCore

/// Runs a collection upsert against the Contacts (docs/customers.md §7): records in order, one
/// `UpsertResult` per record in the same order, HTTP 200 even when some fail. With `allOrNone` one
/// failure rolls back everything: the failed records keep their errors, every other one reports
/// `ALL_OR_NONE_OPERATION_ROLLED_BACK`, and nothing is written.
struct SalesforceUpsert {
    /// One per-record error (`statusCode`, unlike top-level REST errors' `errorCode`, §B.4).
    struct Failure: Error {
        let statusCode: String
        let message: String
        let fields: [String]

        var json: JSONValue {
            JSON.object([
                ("statusCode", .string(statusCode)), ("message", .string(message)),
                ("fields", .array(fields.map { .string($0) })),
            ])
        }
    }

    static let rolledBack = Failure(
        statusCode: "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        message: "Record rolled back because not all records were valid and the request was using AllOrNone header",
        fields: [])

    /// The results, in record order.
    private(set) var results: [JSONValue] = []
    private(set) var logged: [CRMRequestLog.Record] = []

    /// Upserts `collection` by `externalID` (a canonical external-id field name) into `contacts`.
    init(
        _ collection: SalesforceCollection, by externalID: String, fields catalogue: SalesforceFields,
        contacts: inout SalesforceContacts, at milliseconds: Int64
    ) {
        let keys = collection.records.map { record in
            record.fields.first { $0.name.lowercased() == externalID.lowercased() }.flatMap {
                SalesforceContact.text($0.value)
            }
        }
        var counts: [String: Int] = [:]
        for case let key? in keys { counts[key, default: 0] += 1 }
        // With allOrNone nothing may stay written if one record fails: work on a copy, keep it only then.
        var scratch = collection.allOrNone ? contacts : SalesforceContacts()
        var outcomes: [Result<(contact: SalesforceContact, created: Bool), Failure>] = []
        for (record, key) in zip(collection.records, keys) {
            let outcome: Result<(contact: SalesforceContact, created: Bool), Failure>
            if let key, counts[key, default: 0] > 1 {
                outcome = .failure(
                    Failure(
                        statusCode: "DUPLICATE_EXTERNAL_ID", message: "Duplicate external id specified: \(key)",
                        fields: [externalID]))
            } else if collection.allOrNone {
                outcome = Self.upsert(record, key: key, by: externalID, catalogue, &scratch, milliseconds)
            } else {
                outcome = Self.upsert(record, key: key, by: externalID, catalogue, &contacts, milliseconds)
            }
            outcomes.append(outcome)
        }
        let failed = outcomes.contains { if case .failure = $0 { true } else { false } }
        if collection.allOrNone && !failed { contacts = scratch }
        for ((outcome, record), key) in zip(zip(outcomes, collection.records), keys) {
            switch outcome {
            case .success(let written) where collection.allOrNone && failed:
                // The record was valid but is not kept; an existing one keeps its id.
                var members: [(String, JSONValue)] = [
                    ("success", .bool(false)), ("errors", .array([Self.rolledBack.json])),
                ]
                if !written.created { members.append(("id", .string(written.contact.id))) }
                results.append(JSON.object(members))
                logged.append(.init(key: key ?? "", content: record.content, outcome: Self.rolledBack.statusCode))
            case .success(let written):
                results.append(
                    JSON.object([
                        ("id", .string(written.contact.id)), ("success", .bool(true)), ("errors", .array([])),
                        ("created", .bool(written.created)),
                    ]))
                logged.append(
                    .init(key: key ?? "", content: record.content, outcome: written.created ? "created" : "updated"))
            case .failure(let failure):
                results.append(JSON.object([("success", .bool(false)), ("errors", .array([failure.json]))]))
                logged.append(.init(key: key ?? "", content: record.content, outcome: failure.statusCode))
            }
        }
    }

    /// Checks one record and writes it; the first problem found fails it.
    private static func upsert(
        _ record: SalesforceCollection.Record, key: String?, by externalID: String, _ catalogue: SalesforceFields,
        _ contacts: inout SalesforceContacts, _ milliseconds: Int64
    ) -> Result<(contact: SalesforceContact, created: Bool), Failure> {
        var fields: [(name: String, value: JSONValue)] = []
        var seen: Set<String> = []
        for (sent, value) in record.fields {
            guard let (name, kind) = catalogue.lookup(sent) else {
                return .failure(
                    Failure(
                        statusCode: "INVALID_FIELD", message: "No such column '\(sent)' on sobject of type Contact",
                        fields: []))
            }
            guard seen.insert(name).inserted else {
                return .failure(
                    Failure(statusCode: "INVALID_FIELD", message: "Duplicate field: \(name)", fields: [name]))
            }
            let maxLength: Int
            switch kind {
            case .system:
                return .failure(
                    Failure(
                        statusCode: "INVALID_FIELD_FOR_INSERT_UPDATE",
                        message:
                            "Unable to create/update fields: \(name). Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                        fields: [name]))
            case .writable(let length): maxLength = length
            case .externalID: maxLength = SalesforceFields.customLength
            }
            if let text = SalesforceContact.text(value), text.unicodeScalars.count > maxLength {
                return .failure(
                    Failure(
                        statusCode: "STRING_TOO_LONG",
                        message: "\(name): data value too large: \(text.prefix(40)) (max length=\(maxLength))",
                        fields: [name]))
            }
            fields.append((name, value))
        }
        guard let key, !key.isEmpty else {
            return .failure(Failure(statusCode: "MISSING_ARGUMENT", message: "\(externalID) not specified", fields: []))
        }
        if let email = fields.first(where: { $0.name == "Email" }), let text = SalesforceContact.text(email.value),
            !text.isEmpty, !CRMEmail.isValid(text)
        {
            return .failure(
                Failure(
                    statusCode: "INVALID_EMAIL_ADDRESS", message: "Email: invalid email address: \(text)",
                    fields: ["Email"]
                ))
        }
        let existing = contacts.find(externalID, key)
        let lastName = fields.first { $0.name == "LastName" }.map { SalesforceContact.text($0.value) ?? "" }
        if lastName == "" || (existing == nil && lastName == nil) {
            return .failure(
                Failure(
                    statusCode: "REQUIRED_FIELD_MISSING", message: "Required fields are missing: [LastName]",
                    fields: ["LastName"]))
        }
        for (name, value) in fields where name != externalID && catalogue.lookup(name)?.kind == .externalID {
            if let text = SalesforceContact.text(value), let other = contacts.find(name, text), other.id != existing?.id
            {
                return .failure(
                    Failure(
                        statusCode: "DUPLICATE_VALUE",
                        message: "duplicate value found: \(name) duplicates value on record with id: \(other.id)",
                        fields: [name]))
            }
        }
        if existing == nil && contacts.isFull {
            return .failure(
                Failure(statusCode: "STORAGE_LIMIT_EXCEEDED", message: "storage limit exceeded", fields: []))
        }
        let externalIDs = Set(fields.map(\.name).filter { catalogue.lookup($0)?.kind == .externalID })
        let contact = contacts.write(id: existing?.id, fields: fields, externalIDs: externalIDs, at: milliseconds)
        return .success((contact, existing == nil))
    }
}
