package import OrderCore

/// How a customer's fields become HubSpot contact properties and Salesforce Contact fields, and HubSpot's
/// properties customer fields again (inbound webhooks): the one place, documented as the table of
/// docs/customers.md §5, with the facts and their sources.
///
/// Every push carries every mapped field, an empty one as HubSpot's empty string (which clears a
/// property) or Salesforce's `null` (which clears a field): the CRM ends up with the whole state
/// of the version, whatever it had before and whichever earlier push was lost.
package enum CRMFieldMap {
    // MARK: HubSpot

    /// The HubSpot property of each customer field but the address lines, in the order they are listed.
    package static let hubSpotProperties: [(property: String, field: CustomerField)] = [
        ("email", .email), ("firstname", .firstName), ("lastname", .lastName), ("phone", .phoneNumber),
        ("company", .company), ("city", .city), ("state", .region), ("zip", .postalCode), ("country", .country),
    ]

    /// HubSpot has one street property: `address_line1` and `address_line2` go into it joined by a newline.
    package static let hubSpotAddressProperty = "address"

    /// The key HubSpot finds a contact by (`idProperty: email`): trimmed and ASCII lower-cased, because
    /// HubSpot's match is exact and ordersync keys customers by email the same way (ContactField).
    package static func hubSpotKey(_ email: String?) -> String? { ContactField.emailKey(email) }

    /// The `properties` of a HubSpot upsert input: every mapped property, `""` for an empty field, the
    /// email as its key.
    package static func hubSpotProperties(_ customer: Customer) -> JSONObject {
        var members: [(name: String, value: JSONValue)] = hubSpotProperties.map { property, field in
            let value = field == .email ? hubSpotKey(customer[.email]) : customer[field]
            return (property, .string(value ?? ""))
        }
        members.append((hubSpotAddressProperty, .string(street(customer[.addressLine1], customer[.addressLine2]))))
        // The names above are distinct constants: making the object cannot fail.
        guard case .success(let object) = JSONObject.make(members) else { preconditionFailure("duplicate property") }
        return object
    }

    /// The change a HubSpot property's new value makes (a `contact.propertyChange` webhook); nil for a
    /// property ordersync does not keep. `address` sets both lines: the text before its first line break
    /// is line 1, the rest line 2 (no break: line 2 is cleared). An empty value clears the field.
    package static func customerFields(hubSpotProperty name: String, value: String) -> [CustomerField: String]? {
        if name == hubSpotAddressProperty {
            let (line1, line2) = splitStreet(value)
            return [.addressLine1: line1, .addressLine2: line2]
        }
        guard let field = hubSpotProperties.first(where: { $0.property == name })?.field else { return nil }
        return [field: ContactField.trimmed(value) ?? ""]
    }

    /// The customer fields of a contact's `properties` as a read gives them (`GET` or batch read): every
    /// mapped property the object holds, null as an empty value; a property it does not hold (or holds
    /// as no string) is left out, so nothing unknown is cleared. An empty email is left out too (the CRMs
    /// find a customer by it, as with a property change).
    package static func customerFields(hubSpotProperties properties: JSONObject) -> [CustomerField: String] {
        var fields: [CustomerField: String] = [:]
        for name in hubSpotProperties.map(\.property) + [hubSpotAddressProperty] {
            let value: String
            switch properties[name] {
            case .string(let text)?: value = text
            case .null?: value = ""
            default: continue
            }
            if let mapped = customerFields(hubSpotProperty: name, value: value) {
                fields.merge(mapped) { _, new in new }
            }
        }
        if fields[.email]?.isEmpty == true { fields[.email] = nil }
        return fields
    }

    // MARK: Salesforce

    /// The Contact field of each customer field but the address lines and the company.
    package static let salesforceFields: [(name: String, field: CustomerField)] = [
        ("Email", .email), ("FirstName", .firstName), ("LastName", .lastName), ("Phone", .phoneNumber),
        ("MailingCity", .city), ("MailingState", .region), ("MailingPostalCode", .postalCode),
        ("MailingCountry", .country),
    ]

    /// Contact's one street field: line 1, a newline, line 2.
    package static let salesforceStreetField = "MailingStreet"

    /// Every Contact field name a record carries besides the external id field (which must be none of these).
    package static var salesforceFieldNames: Set<String> {
        Set(salesforceFields.map(\.name) + [salesforceStreetField, "attributes", "Id"])
    }

    /// The fields of a Contact record: the external id field holding the customer's id, every mapped
    /// field, `null` for an empty one. `company` is not sent: it is no Contact field (a Contact's company
    /// is its Account, which ordersync does not manage).
    package static func salesforceFields(
        _ customer: Customer, customerID: String, externalIDField: String
    ) -> [(name: String, value: JSONValue)] {
        var members: [(name: String, value: JSONValue)] = [(externalIDField, .string(customerID))]
        for (name, field) in salesforceFields {
            members.append((name, customer[field].map(JSONValue.string) ?? .null))
        }
        let street = street(customer[.addressLine1], customer[.addressLine2])
        members.append((salesforceStreetField, street.isEmpty ? .null : .string(street)))
        return members
    }

    // MARK: Street lines

    /// Line 1 and line 2 as one street text: joined by `\n` when both are there, else the one there is.
    package static func street(_ line1: String?, _ line2: String?) -> String {
        switch (line1 ?? "", line2 ?? "") {
        case ("", let two): return two
        case (let one, ""): return one
        case (let one, let two): return one + "\n" + two
        }
    }

    /// A street text split back into line 1 and line 2 at its first line break (`\n`, `\r\n` or `\r`),
    /// each trimmed.
    package static func splitStreet(_ text: String) -> (String, String) {
        let scalars = text.unicodeScalars
        guard let breakIndex = scalars.firstIndex(where: { $0 == "\n" || $0 == "\r" }) else {
            return (ContactField.trimmed(text) ?? "", "")
        }
        var rest = scalars.index(after: breakIndex)
        if scalars[breakIndex] == "\r", rest < scalars.endIndex, scalars[rest] == "\n" {
            rest = scalars.index(after: rest)
        }
        let line1 = ContactField.trimmed(String(scalars[..<breakIndex])) ?? ""
        let line2 = ContactField.trimmed(String(scalars[rest...])) ?? ""
        return (line1, line2)
    }
}
