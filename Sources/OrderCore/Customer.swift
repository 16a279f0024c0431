/// The fields of a customer that ordersync keeps and pushes to the CRMs (docs/customers.md): the flat
/// shape internal services send. The customer's `id` is its key, not a field.
package enum CustomerField: String, CaseIterable, Sendable, Comparable {
    case email
    case firstName = "first_name"
    case lastName = "last_name"
    case phoneNumber = "phone_number"
    case company
    case addressLine1 = "address_line1"
    case addressLine2 = "address_line2"
    case city
    case region
    case postalCode = "postal_code"
    case country

    /// Longest value, in Unicode scalars (RFC 5321 caps a path at 254 octets for an email; HubSpot's and
    /// Salesforce's text fields hold 255).
    package var maxLength: Int { self == .email ? 254 : 255 }

    package static func < (lhs: CustomerField, rhs: CustomerField) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A customer's state at one version: its id and the fields it has (an absent field is empty). Its
/// canonical JSON (`payload`) is what `customer_versions` keeps and what echo suppression compares.
package struct Customer: Sendable, Equatable {
    package let id: String
    package private(set) var fields: [CustomerField: String]

    package init(id: String, fields: [CustomerField: String]) {
        self.id = id
        self.fields = fields.filter { !$0.value.isEmpty }
    }

    package subscript(field: CustomerField) -> String? { fields[field] }

    /// `{"id":…, "<field>":…}`, members in byte order, absent fields left out: equal states give equal bytes.
    package var json: JSONValue {
        var members: [(name: String, value: JSONValue)] = [("id", .string(id))]
        for (field, value) in fields { members.append((field.rawValue, .string(value))) }
        // Field names are distinct and none is "id": making the object cannot fail.
        guard case .success(let object) = JSONObject.make(members) else { preconditionFailure("duplicate field") }
        return .object(object)
    }

    package var payload: [UInt8] { JSONWriter.canonical(json) }

    /// The state kept as `payload`; nil when the bytes are not a customer's canonical JSON.
    package init?(payload: [UInt8]) {
        guard case .object(let object)? = try? JSONParser.parse(payload), case .string(let id)? = object["id"] else {
            return nil
        }
        var fields: [CustomerField: String] = [:]
        for (name, value) in object.members where name != "id" {
            guard let field = CustomerField(rawValue: name), case .string(let text) = value else { return nil }
            fields[field] = text
        }
        self.init(id: id, fields: fields)
    }
}

/// One change to a customer, as an API request or a CRM event makes it.
package enum CustomerChange: Sendable, Equatable {
    /// `PUT` and `POST /customers`: the whole state (fields left out become empty).
    case replace([CustomerField: String])
    /// `PATCH` and a CRM's property changes: the fields given change (an empty value clears one), the
    /// others stay.
    case merge([CustomerField: String])
    /// `DELETE`: the customer is gone; its history stays.
    case delete

    /// `replace`, `merge` or `delete`, as customer_versions.change keeps it.
    package var name: String {
        switch self {
        case .replace: "replace"
        case .merge: "merge"
        case .delete: "delete"
        }
    }

    /// The state after this change; nil when the customer is deleted. A merge onto no customer starts
    /// from an empty one.
    package func applied(to current: Customer?, id: String) -> Customer? {
        switch self {
        case .replace(let fields): return Customer(id: id, fields: fields)
        case .merge(let changes):
            var fields = current?.fields ?? [:]
            for (field, value) in changes { fields[field] = value.isEmpty ? nil : value }
            return Customer(id: id, fields: fields)
        case .delete: return nil
        }
    }
}
