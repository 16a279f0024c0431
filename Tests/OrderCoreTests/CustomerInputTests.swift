import OrderCore
import Testing

/// Customer bodies (Sources/OrderCore/CustomerInput.swift, docs/customers.md §1): what is kept, what is
/// refused and why, and the canonical state.
@Suite struct CustomerInputTests {
    func parse(_ text: String, mode: CustomerInput.Mode = .replace, pathID: String? = "c-1") throws -> CustomerInput {
        try CustomerInput.parse(try JSONParser.parse(Array(text.utf8)), mode: mode, pathID: pathID)
    }

    func problems(_ text: String, mode: CustomerInput.Mode = .replace, pathID: String? = "c-1") -> [String] {
        do {
            _ = try parse(text, mode: mode, pathID: pathID)
            return []
        } catch let error as CustomerInput.Invalid {
            return error.problems.map { "\($0.field ?? "-"): \($0.problem)" }
        } catch {
            return ["not JSON"]
        }
    }

    @Test func aReplaceKeepsTrimmedFieldsItsTimeAndNamesUnknownMembers() throws {
        let input = try parse(
            #"{"email":"\u00a0Ana@Example.org ","first_name":"Ana","city":null,"updated_at":"2026-05-01T12:00:00+02:00","x":1}"#)
        #expect(input.id == "c-1")
        #expect(input.changedAt == "2026-05-01T10:00:00.000Z")
        #expect(input.ignored == ["x"])
        guard case .replace(let fields) = input.change else { return #expect(Bool(false)) }
        #expect(fields[.email] == "Ana@Example.org")
        #expect(fields[.city] == "")
        let state = input.change.applied(to: nil, id: input.id)
        #expect(state?[.city] == nil)
        #expect(state.map { String(decoding: $0.payload, as: UTF8.self) } == #"{"email":"Ana@Example.org","first_name":"Ana","id":"c-1"}"#)
    }

    @Test func theIdComesFromTheBodyWhenThereIsNoPath() throws {
        #expect(try parse(#"{"id":12345678901234567890,"email":"a@b.co"}"#, pathID: nil).id == "12345678901234567890")
        #expect(try parse(#"{"id":"ab","email":"a@b.co"}"#, pathID: nil).id == "ab")
        #expect(try parse(#"{"id":"c-1","email":"a@b.co"}"#).id == "c-1")
    }

    @Test(arguments: [
        (#"{}"#, "email: is required: the CRMs find a customer by it"),
        (#"{"email":""}"#, "email: is required: the CRMs find a customer by it"),
        (#"{"email":"a@b"}"#, "email: must be an email address (local@domain.tld, no spaces)"),
        (#"{"email":"a b@c.de"}"#, "email: must be an email address (local@domain.tld, no spaces)"),
        (#"{"email":"a@@c.de"}"#, "email: must be an email address (local@domain.tld, no spaces)"),
        (#"{"email":"a@c.de."}"#, "email: must be an email address (local@domain.tld, no spaces)"),
        (#"{"email":"@c.de"}"#, "email: must be an email address (local@domain.tld, no spaces)"),
        (#"{"email":"a@b.co","phone_number":34600}"#, "phone_number: must be a string or null, not a number"),
        (#"{"email":"a@b.co","company":"A\u0007"}"#, "company: must not contain control characters"),
        (#"{"email":"a@b.co","id":"c-2"}"#, "id: must equal the id of the URL (c-1)"),
        (#"{"email":"a@b.co","id":1.5}"#, "id: must be a string or an integer of at most 255 digits"),
        (#"{"email":"a@b.co","id":[]}"#, "id: must be a string or an integer, not an array"),
        (#"{"email":"a@b.co","updated_at":5}"#, "updated_at: must be a string, not a number"),
        (#"[]"#, "-: must be an object, not an array"),
    ])
    func invalidBodiesSayWhy(body: String, problem: String) {
        #expect(problems(body).contains(problem), "\(problems(body))")
    }

    @Test func everyProblemIsReportedAtOnce() {
        #expect(problems(#"{"email":"x","first_name":1,"updated_at":"soon"}"#).count == 3)
    }

    @Test func aMergeMayOmitTheEmailButNeverClearIt() throws {
        #expect(problems(#"{"city":"Lima"}"#, mode: .merge).isEmpty)
        #expect(problems(#"{"email":null}"#, mode: .merge) == ["email: can not be cleared: the CRMs find a customer by it"])
        let base = Customer(id: "c-1", fields: [.email: "a@b.co", .city: "Quito", .company: "Acme"])
        let merged = try parse(#"{"city":"Lima","company":""}"#, mode: .merge).change.applied(to: base, id: "c-1")
        #expect(merged == Customer(id: "c-1", fields: [.email: "a@b.co", .city: "Lima"]))
    }

    @Test func badIdsInThePathAreRefused() {
        #expect(problems(#"{"email":"a@b.co"}"#, pathID: " padded").contains("id: must not start or end with white space"))
        #expect(problems(#"{"email":"a@b.co"}"#, pathID: String(repeating: "x", count: 256)).count == 1)
        #expect(problems(#"{"email":"a@b.co"}"#, pathID: nil) == ["id: is required"])
    }

    @Test func aStateRoundTripsThroughItsPayload() {
        let customer = Customer(id: "ü-1", fields: [.email: "a@b.co", .addressLine1: "Calle \"Mayor\" 1\n2º"])
        #expect(Customer(payload: customer.payload) == customer)
        #expect(Customer(payload: Array(#"{"id":"x","unknown":"y"}"#.utf8)) == nil)
        #expect(Customer(payload: Array("not json".utf8)) == nil)
    }
}
