import CRMPush
import OrderCore

/// One array element → a `HubSpotEvent` or the reason it is none (docs/realtime.md §5).
/// Members are read by name and type; members this service does not use (`appId`, `changeFlag`, …) are
/// not checked, so a field HubSpot adds later breaks nothing.
extension HubSpotWebhook {
    /// Why an element is no valid event.
    struct Problem: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// Longest `subscriptionType`, `propertyName`, `objectTypeId`, `changeSource` and `sourceId` taken.
    static let maxTextBytes = 256
    /// Digits of an id: HubSpot's are 64-bit integers (at most 20 digits).
    static let maxIDDigits = 20
    /// 9999-12-31T23:59:59.999Z: the latest `occurredAt` a `Timestamp` writes with a four-digit year.
    static let maxOccurredAt: Int64 = 253_402_300_799_999
    /// HubSpot's generic (`object.*`) subscriptions name the object type; contacts are `0-1`.
    static let contactObjectTypeID = "0-1"

    static func event(_ value: JSONValue, index: Int) -> Result<HubSpotEvent, Problem> {
        do throws(Problem) {
            return .success(try parse(value, index: index))
        } catch {
            return .failure(error)
        }
    }

    private static func parse(_ value: JSONValue, index: Int) throws(Problem) -> HubSpotEvent {
        guard case .object(let object) = value else { throw Problem("must be an object, not \(value.typeName)") }
        let eventID = try identifier("eventId", object)
        let subscriptionID = try identifier("subscriptionId", object)
        let portalID = try identifier("portalId", object)
        let occurredAt = try milliseconds("occurredAt", object)
        guard let subscriptionType = try text("subscriptionType", object) else {
            throw Problem("subscriptionType is required")
        }
        let attemptNumber = try count("attemptNumber", object)
        let changeSource = try text("changeSource", object)
        let sourceID = try text("sourceId", object)
        let effect = try effect(of: subscriptionType, object)
        // An ignored event needs no object: an association change, for one, names two (fromObjectId, toObjectId).
        let objectID: String?
        if case .ignore = effect {
            objectID = try? identifier("objectId", object)
        } else {
            objectID = try identifier("objectId", object)
        }
        return HubSpotEvent(
            index: index, key: "hubspot|\(portalID)|\(subscriptionID)|\(eventID)|\(occurredAt)", portalID: portalID,
            subscriptionID: subscriptionID, eventID: eventID, subscriptionType: subscriptionType, objectID: objectID,
            occurredAt: Timestamp(millisecondsSinceEpoch: occurredAt).millisecondsText, attemptNumber: attemptNumber,
            changeSource: changeSource, sourceID: sourceID, effect: effect, payload: JSONWriter.canonical(value))
    }

    /// What `subscriptionType` does; `contact.X` and `object.X` with objectTypeId `0-1` alike.
    private static func effect(of subscriptionType: String, _ object: JSONObject) throws(Problem) -> HubSpotEvent.Effect
    {
        let parts = subscriptionType.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let shown = subscriptionType.prefix(64)
        guard parts.count == 2 else { return .ignore("subscription type \(shown) is not one this service takes") }
        switch parts[0] {
        case "contact": break
        case "object":
            guard let type = try text("objectTypeId", object) else {
                throw Problem("objectTypeId is required for a generic (object.*) subscription")
            }
            guard type == contactObjectTypeID else {
                return .ignore("object type \(type.prefix(64)) is not contacts (\(contactObjectTypeID))")
            }
        default:
            return .ignore("subscription type \(shown) is not a contact's")
        }
        switch parts[1] {
        case "propertyChange": return try propertyChange(object)
        // A privacy (GDPR) deletion is a deletion here; what history to erase is the caller's (docs/realtime.md).
        case "deletion", "privacyDeletion": return .change(.delete)
        case "creation":
            return .fetch("a creation carries no properties: read the contact")
        case "restore":
            return .fetch("a contact restored from the recycle bin: read its properties")
        case "merge":
            return .fetch(
                "a merge changed the surviving contact's properties: read them "
                    + "(the contacts merged into it are not deleted here)")
        default:
            return .ignore("subscription type \(shown) is not one this service takes")
        }
    }

    /// A property change of a customer field merges that one field; any other property is ignored.
    private static func propertyChange(_ object: JSONObject) throws(Problem) -> HubSpotEvent.Effect {
        guard let name = try text("propertyName", object) else {
            throw Problem("propertyName is required for a property change")
        }
        let value: String
        switch object["propertyValue"] {
        case nil: throw Problem("propertyValue is required for a change of \(name.prefix(64))")
        // HubSpot clears a property with an empty value; null is taken the same way.
        case .null?: value = ""
        case .string(let text)?: value = text
        case let other?: throw Problem("propertyValue must be a string, not \(other.typeName)")
        }
        // The one mapping both ways (Sources/CRMPush/CRMFieldMap.swift, docs/customers.md §5).
        guard let fields = CRMFieldMap.customerFields(hubSpotProperty: name, value: value) else {
            return .ignore("property \(name.prefix(64)) is not a customer field")
        }
        if fields[.email]?.isEmpty == true {
            return .ignore("an emptied email is not applied: the CRMs find a customer by it")
        }
        for (field, text) in fields {
            if let problem = CustomerInput.fieldProblem(text, field) {
                throw Problem("propertyValue of \(name.prefix(64)) \(problem)")
            }
        }
        return .change(.merge(fields))
    }

    // MARK: - Members

    /// A non-negative integer id as decimal digits: a JSON integer, or a string of digits (no sign, no
    /// leading zero), at most `maxIDDigits` long. Numbers keep their exact text (JSONNumber), so an id
    /// beyond 2^53 is not rounded.
    static func identifier(_ name: String, _ object: JSONObject) throws(Problem) -> String {
        let digits: String?
        switch object[name] {
        case nil, .null?: throw Problem("\(name) is required")
        case .number(let text)?: digits = JSONNumber.integerText(text)
        case .string(let text)?: digits = text.utf8.count > 1 && text.hasPrefix("0") ? nil : text
        case let other?: throw Problem("\(name) must be an integer, not \(other.typeName)")
        }
        guard let digits, !digits.isEmpty, digits.utf8.count <= maxIDDigits,
            digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { throw Problem("\(name) must be a non-negative integer of at most \(maxIDDigits) digits") }
        return digits
    }

    /// Epoch milliseconds (a JSON integer), from 1970 up to the year 9999.
    static func milliseconds(_ name: String, _ object: JSONObject) throws(Problem) -> Int64 {
        let digits = try identifier(name, object)
        guard let value = Int64(digits), value <= maxOccurredAt else {
            throw Problem("\(name) must be epoch milliseconds before the year 10000")
        }
        return value
    }

    /// A small non-negative integer (a count such as attemptNumber); nil when absent or null.
    static func count(_ name: String, _ object: JSONObject) throws(Problem) -> Int? {
        switch object[name] {
        case nil, .null?: return nil
        case .number(let text)?:
            if let digits = JSONNumber.integerText(text), digits.utf8.count <= 9, let value = Int(digits), value >= 0 {
                return value
            }
            throw Problem("\(name) must be a non-negative integer below 10^9")
        case let other?: throw Problem("\(name) must be an integer, not \(other.typeName)")
        }
    }

    /// A short string: nil when absent, null or empty; refused when longer than `maxTextBytes` or
    /// holding a control character (a NUL included).
    static func text(_ name: String, _ object: JSONObject) throws(Problem) -> String? {
        switch object[name] {
        case nil, .null?, .string("")?: return nil
        case .string(let text)?:
            guard text.utf8.count <= maxTextBytes else {
                throw Problem("\(name) must be at most \(maxTextBytes) bytes long")
            }
            guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw Problem("\(name) must not contain control characters")
            }
            return text
        case let other?: throw Problem("\(name) must be a string, not \(other.typeName)")
        }
    }
}
