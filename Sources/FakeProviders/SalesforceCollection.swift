import OrderCore

/// The body of `PATCH /services/data/vNN.0/composite/sobjects/Contact/{ExtIdField}` (sObject Collections
/// upsert, docs/customers.md §7): `{"allOrNone":false,"records":[{"attributes":{"type":"Contact"},
/// "<ExtIdField>":"cust-42",…}]}`. A body that does not bind (not JSON, wrong shapes, a record without
/// `attributes.type` Contact, a value that is an object) is refused whole with 400; everything else is
/// decided per record.
struct SalesforceCollection: Sendable {
    /// Most records per request (§B.4).
    static let maxRecords = 200

    /// One record: its fields as sent (without `attributes`), in body order.
    struct Record: Sendable {
        var fields: [(name: String, value: JSONValue)]
        /// The record as sent without `attributes`, canonical JSON: the request log's record.
        var content: [UInt8]
    }

    var allOrNone: Bool
    var records: [Record]

    /// Why a body is refused as a whole: Salesforce's `errorCode` and message; `records` counts what was
    /// readable.
    struct Invalid: Error {
        let code: String
        let message: String
        var records = 0
    }

    init(_ body: [UInt8]) throws(Invalid) {
        let value: JSONValue
        do throws(JSONSyntaxError) {
            value = try JSONParser.parse(body)
        } catch {
            throw Invalid(
                code: "JSON_PARSER_ERROR", message: "\(error.reason) at [line:\(error.line), column:\(error.column)]")
        }
        guard case .object(let top) = value, case .array(let items)? = top["records"] else {
            throw Invalid(code: "JSON_PARSER_ERROR", message: "Expected an object with an array 'records'")
        }
        switch top["allOrNone"] {
        case nil, .null?: allOrNone = false
        case .bool(let flag)?: allOrNone = flag
        default: throw Invalid(code: "JSON_PARSER_ERROR", message: "allOrNone must be a boolean")
        }
        guard !items.isEmpty else {
            throw Invalid(code: "MISSING_ARGUMENT", message: "records: at least one record is required")
        }
        guard items.count <= Self.maxRecords else {
            throw Invalid(
                code: "EXCEEDED_ID_LIMIT",
                message: "record limit reached. cannot submit more than \(Self.maxRecords) records into this call",
                records: items.count)
        }
        records = []
        for item in items {
            do throws(Invalid) {
                records.append(try Self.record(item))
            } catch {
                throw Invalid(code: error.code, message: error.message, records: items.count)
            }
        }
    }

    private static func record(_ item: JSONValue) throws(Invalid) -> Record {
        guard case .object(let object) = item else {
            throw Invalid(code: "JSON_PARSER_ERROR", message: "Each record must be a JSON object")
        }
        guard case .object(let attributes)? = object["attributes"], case .string(let type)? = attributes["type"] else {
            throw Invalid(code: "INVALID_TYPE", message: "Each record needs attributes with a type")
        }
        guard type.lowercased() == "contact" else {
            throw Invalid(code: "INVALID_TYPE", message: "The record's type \(type) does not match Contact in the URI")
        }
        var fields: [(name: String, value: JSONValue)] = []
        for (name, value) in object.members where name != "attributes" {
            switch value {
            case .array, .object:
                throw Invalid(
                    code: "JSON_PARSER_ERROR",
                    message: "Cannot deserialize a value of field \(name) from \(value.typeName)"
                )
            default: fields.append((name, value))
            }
        }
        let sent = object.members.filter { $0.name != "attributes" }
        let content = JSONObject.make(sent).map { JSONWriter.canonical(.object($0)) }
        return Record(fields: fields, content: (try? content.get()) ?? [])
    }
}
