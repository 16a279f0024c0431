import OrderCore

/// One input of `POST /crm/v3/objects/contacts/batch/upsert` (`SimplePublicObjectBatchInputUpsert`:
/// `id` and `properties` required, `idProperty` and `objectWriteTraceId` optional, per input;
/// docs/customers.md §6).
struct HubSpotUpsertInput: Sendable {
    /// The id as sent (an email when `idProperty` is `email`).
    var id: String
    var idProperty: String?
    /// Values as text: HubSpot's map is string to string; numbers and booleans arrive as their JSON text
    /// and null as "" (a clear), as its JSON binding coerces them.
    var properties: [(name: String, value: String)]
    var objectWriteTraceID: String?
    /// The properties as sent, canonical JSON: the request log's record.
    var content: [UInt8]

    /// Most inputs per batch (§A.2: 100, secondary sources).
    static let maxInputs = 100

    /// Why a body is refused as a whole (400 `VALIDATION_ERROR`); `inputs` counts what was readable.
    struct Invalid: Error {
        let message: String
        var inputs = 0
    }

    /// Reads the body; any shape problem refuses the whole batch, as a JSON binding failure does.
    static func decode(_ body: [UInt8]) throws(Invalid) -> [HubSpotUpsertInput] {
        let value: JSONValue
        do throws(JSONSyntaxError) {
            value = try JSONParser.parse(body)
        } catch {
            throw Invalid(message: "Invalid input JSON on line \(error.line), column \(error.column): \(error.reason)")
        }
        guard case .object(let top) = value, case .array(let items)? = top["inputs"] else {
            throw Invalid(message: "Invalid input JSON: expected an object with an array 'inputs'")
        }
        guard !items.isEmpty else { throw Invalid(message: "Invalid input: 'inputs' must not be empty") }
        guard items.count <= maxInputs else {
            throw Invalid(
                message: "Batch input contains \(items.count) inputs; the limit is \(maxInputs)", inputs: items.count)
        }
        var inputs: [HubSpotUpsertInput] = []
        for (index, item) in items.enumerated() {
            do throws(Invalid) {
                inputs.append(try input(item))
            } catch {
                throw Invalid(message: "Invalid input JSON at inputs[\(index)]: \(error.message)", inputs: items.count)
            }
        }
        // HubSpot refuses a batch naming one object twice (UNCONFIRMED for upsert; batch update does).
        var seen: Set<String> = []
        for input in inputs where !seen.insert(CRMEmail.key(input.id)).inserted {
            throw Invalid(message: "Duplicate IDs found in batch input: [\(input.id)]", inputs: items.count)
        }
        return inputs
    }

    private static func input(_ item: JSONValue) throws(Invalid) -> HubSpotUpsertInput {
        guard case .object(let object) = item else { throw Invalid(message: "an input must be an object") }
        guard let id = text(object["id"]), !id.isEmpty else { throw Invalid(message: "'id' is required") }
        guard case .object(let properties)? = object["properties"] else {
            throw Invalid(message: "'properties' must be an object")
        }
        var pairs: [(name: String, value: String)] = []
        for (name, value) in properties.members {
            if case .null = value {
                pairs.append((name, ""))
            } else if let text = text(value) {
                pairs.append((name, text))
            } else {
                throw Invalid(message: "property '\(name)' must be a string")
            }
        }
        var idProperty: String?
        if let value = object["idProperty"], value != .null {
            guard let name = text(value) else { throw Invalid(message: "'idProperty' must be a string") }
            idProperty = name
        }
        var trace: String?
        if let value = object["objectWriteTraceId"], value != .null {
            guard let text = text(value) else { throw Invalid(message: "'objectWriteTraceId' must be a string") }
            trace = text
        }
        return HubSpotUpsertInput(
            id: id, idProperty: idProperty, properties: pairs, objectWriteTraceID: trace,
            content: JSONWriter.canonical(.object(properties)))
    }

    /// A string, number or boolean as text; nil for anything else.
    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: text
        case .number(let text)?: text
        case .bool(let flag)?: flag ? "true" : "false"
        default: nil
        }
    }
}
