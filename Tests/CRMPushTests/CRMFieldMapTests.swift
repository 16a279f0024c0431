import CRMPush
import OrderCore
import TestSupport
import Testing

/// The field mapping both ways (docs/customers.md §"Field mapping").
@Suite struct CRMFieldMapTests {
    @Test func hubSpotGetsEveryPropertyAndEmptyOnesAsEmptyStrings() {
        let properties = CRMFieldMap.hubSpotProperties(ana)
        #expect(
            properties.members.map(\.name) == [
                "address", "city", "company", "country", "email", "firstname", "lastname", "phone", "state", "zip",
            ])
        #expect(properties["email"] == .string("ana.ruiz@example.org"))
        #expect(properties["address"] == .string("Calle 1\nPiso 2"))
        #expect(properties["phone"] == .string(""))
        #expect(properties["state"] == .string(""))
        #expect(properties["company"] == .string(""))

        let full = customer(
            "c2",
            [.email: "b@x.org", .phoneNumber: "+34 600", .company: "ACME", .region: "Madrid", .addressLine2: "Piso 2"])
        let more = CRMFieldMap.hubSpotProperties(full)
        #expect(more["phone"] == .string("+34 600"))
        #expect(more["company"] == .string("ACME"))
        #expect(more["state"] == .string("Madrid"))
        #expect(more["address"] == .string("Piso 2"))
    }

    @Test func theHubSpotKeyIsTrimmedAndLowerCased() {
        #expect(CRMFieldMap.hubSpotKey(" Ana.RUIZ@Example.ORG\u{200B}") == "ana.ruiz@example.org")
        #expect(CRMFieldMap.hubSpotKey("Émile@Example.org") == "Émile@example.org")
        #expect(CRMFieldMap.hubSpotKey("  ") == nil)
        #expect(CRMFieldMap.hubSpotKey(nil) == nil)
    }

    @Test func streetLinesJoinAndSplit() {
        #expect(CRMFieldMap.street("A", "B") == "A\nB")
        #expect(CRMFieldMap.street("A", nil) == "A")
        #expect(CRMFieldMap.street(nil, "B") == "B")
        #expect(CRMFieldMap.street(nil, nil) == "")
        #expect(CRMFieldMap.splitStreet("A\nB") == ("A", "B"))
        #expect(CRMFieldMap.splitStreet("A\r\nB\nC") == ("A", "B\nC"))
        #expect(CRMFieldMap.splitStreet(" A \r B ") == ("A", "B"))
        #expect(CRMFieldMap.splitStreet("A") == ("A", ""))
        #expect(CRMFieldMap.splitStreet("") == ("", ""))
        #expect(CRMFieldMap.splitStreet("\nB") == ("", "B"))
    }

    @Test func hubSpotPropertiesMapBackToCustomerFields() {
        #expect(CRMFieldMap.customerFields(hubSpotProperty: "firstname", value: " Ana ") == [.firstName: "Ana"])
        #expect(CRMFieldMap.customerFields(hubSpotProperty: "state", value: "Madrid") == [.region: "Madrid"])
        #expect(CRMFieldMap.customerFields(hubSpotProperty: "zip", value: "28001") == [.postalCode: "28001"])
        #expect(CRMFieldMap.customerFields(hubSpotProperty: "phone", value: "") == [.phoneNumber: ""])
        #expect(
            CRMFieldMap.customerFields(hubSpotProperty: "address", value: "Calle 1\nPiso 2")
                == [.addressLine1: "Calle 1", .addressLine2: "Piso 2"])
        #expect(
            CRMFieldMap.customerFields(hubSpotProperty: "address", value: "Calle 1") == [
                .addressLine1: "Calle 1", .addressLine2: "",
            ])
        #expect(CRMFieldMap.customerFields(hubSpotProperty: "hs_lead_status", value: "NEW") == nil)
        #expect(CRMFieldMap.customerFields(hubSpotProperty: "Email", value: "a@b.c") == nil)
    }

    /// Whatever the state, pushing it to HubSpot and reading the properties back gives the same fields
    /// (the email as its key), except a street whose line 1 is empty: one line is read back as line 1.
    @Test func hubSpotRoundTripKeepsEveryField() {
        var generator = SeededGenerator(seed: 13)
        let values = ["", "x", "Ana María", "a\tb", "Ünïcødé", "line"]
        for _ in 0..<500 {
            var fields: [CustomerField: String] = [:]
            for field in CustomerField.allCases {
                let value = values[generator.below(values.count)]
                fields[field] = field == .email && !value.isEmpty ? "\(value.filter(\.isLetter))@Example.org" : value
            }
            let person = customer("c", fields)
            var back: [CustomerField: String] = [:]
            for member in CRMFieldMap.hubSpotProperties(person).members {
                guard case .string(let value) = member.value,
                    let changes = CRMFieldMap.customerFields(hubSpotProperty: member.name, value: value)
                else {
                    Issue.record("\(member.name) does not map back")
                    continue
                }
                back.merge(changes) { first, _ in first }
            }
            var expected = person.fields
            expected[.email] = CRMFieldMap.hubSpotKey(person[.email])
            if person[.addressLine1] == nil, let line2 = person[.addressLine2] {
                expected[.addressLine1] = line2
                expected[.addressLine2] = nil
            }
            #expect(
                Customer(id: "c", fields: back).fields
                    == Customer(id: "c", fields: expected.compactMapValues { $0 }).fields)
        }
    }

    @Test func salesforceGetsNullForEmptyFieldsAndNoCompany() {
        let full = customer("c9", [.email: "B@x.org", .company: "ACME", .lastName: "Doe", .addressLine2: "Piso 2"])
        let fields = CRMFieldMap.salesforceFields(full, customerID: "c9", externalIDField: "Ordersync_Id__c")
        let byName = Dictionary(fields.map { ($0.name, $0.value) }) { first, _ in first }
        #expect(fields.count == 10)
        #expect(byName["Ordersync_Id__c"] == .string("c9"))
        #expect(byName["Email"] == .string("B@x.org"))
        #expect(byName["LastName"] == .string("Doe"))
        #expect(byName["FirstName"] == .null)
        #expect(byName["Phone"] == .null)
        #expect(byName["MailingStreet"] == .string("Piso 2"))
        #expect(byName["MailingState"] == .null)
        #expect(!fields.contains { $0.value == .string("ACME") })
        let empty = CRMFieldMap.salesforceFields(customer("c0", [:]), customerID: "c0", externalIDField: "X__c")
        #expect(empty.filter { $0.value == .null }.count == 9)
    }
}
