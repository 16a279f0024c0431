package import OrderCore

/// HubSpot contact properties that are customer fields (HubSpot's default contact properties; the same
/// names the push to HubSpot writes, docs/customers.md). Every other property is not ours to take.
package enum HubSpotContactProperty {
    /// Property internal name → field. HubSpot has no default second address line.
    package static let fields: [String: CustomerField] = [
        "email": .email, "firstname": .firstName, "lastname": .lastName, "phone": .phoneNumber,
        "company": .company, "address": .addressLine1, "city": .city, "state": .region, "zip": .postalCode,
        "country": .country,
    ]
}
