import Foundation
import OrderCore
import OrderStore
import Storage
import SQLite
import SyncCore
import TestSupport
import Testing

/// The customer-field rule of docs/contract.md §2 "Customers and the merge": ContactField in Swift,
/// and the same rule in the views that key customers (contact_records_v, shopify_orders_v).
@Suite struct ContactFieldTests {
    let root = NSTemporaryDirectory() + "ordersync-contact-" + UUID().uuidString
    var dbPath: String { root + "/db/orders.db" }

    @Test(arguments: ContactField.trimmedScalars)
    func eachTrimmedCodePointGoesFromBothEndsAndStaysInside(_ scalar: Unicode.Scalar) {
        let s = String(scalar)
        #expect(ContactField.trimmed("\(s)Ana Ruiz\(s)\(s)") == "Ana Ruiz")
        #expect(ContactField.emailKey("\(s)\(s)Ana.Ruiz@Example.Org\(s)") == "ana.ruiz@example.org")
        #expect(ContactField.emailKey("\(s)\r\n\u{00A0}A@B.ORG\u{3000}\u{200B}\(s)") == "a@b.org")
        // Inside a value it is part of the value: such an email keys as itself (and matches only itself).
        #expect(ContactField.emailKey("Ana\(s)Ruiz@X.org") == "ana\(s)ruiz@x.org")
        #expect(ContactField.trimmed("\(s)") == nil)
        #expect(ContactField.emailKey("\(s) \(s)\t") == nil)
    }

    /// The list is Unicode's White_Space property (as Swift's tables know it) plus ZWSP and the BOM.
    @Test func theTrimmedListIsUnicodeWhiteSpacePlusZeroWidthSpaceAndByteOrderMark() {
        var whiteSpace: Set<Unicode.Scalar> = []
        for value in UInt32(0)...0x10FFFF {
            if let scalar = Unicode.Scalar(value), scalar.properties.isWhitespace { whiteSpace.insert(scalar) }
        }
        #expect(whiteSpace.count == 25)
        #expect(Set(ContactField.trimmedScalars) == whiteSpace.union(["\u{200B}", "\u{FEFF}"]))
        #expect(ContactField.trimmedScalars.count == 27)  // no code point twice
    }

    @Test func nonASCIIAndLookalikesAreKept() {
        #expect(ContactField.emailKey(nil) == nil)
        #expect(ContactField.emailKey("") == nil)
        #expect(ContactField.trimmed("\r\n") == nil)
        // ASCII letters only: É, İ, the Kelvin sign and Σ are not lower-cased (SQLite's lower() neither).
        #expect(ContactField.emailKey("ÉLODIE@Example.ORG") == "Élodie@example.org")
        #expect(ContactField.emailKey("\u{212A}İΣ@X.ORG") == "\u{212A}İΣ@x.org")
        // Not White_Space, so not trimmed: ZWNJ, ZWJ, word joiner, soft hyphen, Mongolian vowel separator.
        for kept in ["\u{200C}", "\u{200D}", "\u{2060}", "\u{00AD}", "\u{180E}"] {
            #expect(ContactField.emailKey(" \(kept)a@b.org\(kept)\t") == "\(kept)a@b.org\(kept)")
        }
        // Scalars, not Characters: a combining accent after a trimmed space stays.
        #expect(ContactField.emailKey(" \u{0301}A@b.org") == "\u{0301}a@b.org")
        #expect(ContactField.trimmed("x\r\n") == "x")
    }

    /// Random values from every customer source, through the real views on a real SQLite file: the
    /// views' email, email_key, name, phone and company equal what ContactField says.
    @Test func theViewsNormaliseExactlyAsContactFieldDoes() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try SyncStore(path: dbPath, sqlDirectory: SyncStoreTests.sql)
        var random = SeededGenerator(seed: 0x0E_3A_11)
        var values: [String: [String]] = [:]
        var contacts: [SourceRecord] = []
        var users: [SourceRecord] = []
        var orders: [(SourceRecord, Order)] = []
        for id in 1...300 {
            let v = (0..<5).map { _ in random.hostileText() }
            values[String(id)] = v
            contacts.append(
                try RecordMapping.zohoContact(
                    .object([
                        "id": .string(String(id)), "Email": .string(v[0]), "Full_Name": .string(v[1]),
                        "Phone": .string(v[2]), "Account_Name": .string(v[3]),
                    ])))
            users.append(
                try RecordMapping.customer(
                    .object([
                        "id": .number(String(id)), "email": .string(v[0]), "first_name": .string(v[1]),
                        "last_name": .string(v[4]), "phone": .string(v[2]), "company": .string(v[3]),
                    ])))
            orders.append(
                try RecordMapping.shopifyOrder(
                    .object([
                        "id": .number(String(id)), "email": .string(v[0]),
                        "created_at": .string("2024-05-01T10:00:00Z"),
                        "customer": .object(["first_name": .string(v[1]), "last_name": .string(v[4])]),
                    ])))
        }
        _ = try store.storePage(connector: "zoho", records: contacts, orders: [], state: ConnectorState(), runID: 1)
        _ = try store.storePage(connector: "customers", records: users, orders: [], state: ConnectorState(), runID: 1)
        _ = try store.storePage(
            connector: "shopify", records: orders.map(\.0), orders: orders.map(\.1), state: ConnectorState(), runID: 1)

        let connection = try Connection(path: dbPath, mode: .readOnly)
        let records = try connection.prepare(
            "SELECT source, source_id, email, email_key, name, phone, company FROM contact_records_v")
        // Mismatches are collected and the first few shown: a broken rule fails hundreds of rows.
        var mismatches: [String] = []
        var seen = 0
        while try records.step() {
            seen += 1
            let v = values[records.string(1) ?? ""] ?? []
            let name =
                records.string(0) == "zoho"
                ? ContactField.trimmed(v[1])
                : ContactField.trimmed((ContactField.trimmed(v[1]) ?? "") + " " + (ContactField.trimmed(v[4]) ?? ""))
            let expected = [
                ContactField.trimmed(v[0]), ContactField.emailKey(v[0]), name, ContactField.trimmed(v[2]),
                ContactField.trimmed(v[3]),
            ]
            // Bytes, not Strings: Swift's == would call canonically equivalent spellings equal.
            let got = (2..<7).map { records.string(Int32($0)).map { Array($0.utf8) } }
            if got != expected.map({ $0.map { Array($0.utf8) } }) {
                mismatches.append("\(records.string(0) ?? "") \(v.map { Array($0.unicodeScalars) }) → \(got)")
            }
        }
        #expect(seen == 600)
        let shop = try connection.prepare(
            "SELECT order_id, order_email, email_key, order_customer_name FROM shopify_orders_v")
        seen = 0
        while try shop.step() {
            seen += 1
            let v = values[shop.string(0) ?? ""] ?? []
            let name = ContactField.trimmed(
                (ContactField.trimmed(v[1]) ?? "") + " " + (ContactField.trimmed(v[4]) ?? ""))
            let expected = [ContactField.trimmed(v[0]), ContactField.emailKey(v[0]), name]
            let got = (1..<4).map { shop.string(Int32($0)).map { Array($0.utf8) } }
            if got != expected.map({ $0.map { Array($0.utf8) } }) {
                mismatches.append("shopify \(v.map { Array($0.unicodeScalars) }) → \(got)")
            }
        }
        #expect(seen == 300)
        #expect(mismatches.isEmpty, "\(mismatches.count) rows differ, first: \(mismatches.prefix(3))")
    }

    /// White space inside an email is part of it: the email keys as itself and is not valid.
    @Test func whiteSpaceInsideAnEmailKeepsItApartAndInvalid() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try SyncStore(path: dbPath, sqlDirectory: SyncStoreTests.sql)
        let emails = [
            "anaruiz@example.org", "ana ruiz@example.org", "ana\u{3000}ruiz@example.org", "ana\truiz@example.org",
        ]
        let records = try emails.enumerated().map { index, email in
            try RecordMapping.zohoContact(
                .object(["id": .string(String(index + 1)), "Email": .string(" \(email)\r\n")]))
        }
        _ = try store.storePage(connector: "zoho", records: records, orders: [], state: ConnectorState(), runID: 1)
        let connection = try Connection(path: dbPath, mode: .readOnly)
        let rows = try connection.prepare("SELECT email_key, email_valid FROM contact_records_v ORDER BY source_id")
        var got: [[String?]] = []
        while try rows.step() { got.append([rows.string(0), rows.string(1)]) }
        #expect(got == zip(emails, ["1", "0", "0", "0"]).map { [ContactField.emailKey($0), $1] })
        #expect(try connection.scalarInt("SELECT count(*) FROM customer_profiles_v") == 4)
    }
}

/// Hostile customer values, drawn from a fixed seed so a failure reproduces.
extension SeededGenerator {
    /// Letters and signs an email or name may carry, non-ASCII ones and white-space lookalikes included.
    static let letters: [Unicode.Scalar] = Array(
        "AZaz09@.-_+ ÉéİıßΣσДд\u{212A}\u{0301}\u{200C}\u{200D}\u{2060}\u{180E}\u{00AD}😀".unicodeScalars)

    /// White space (the trimmed list) around and inside letters; sometimes nothing but white space.
    mutating func hostileText() -> String {
        var text = String.UnicodeScalarView()
        let pick = { (random: inout SeededGenerator) -> Unicode.Scalar in
            random.below(3) == 0
                ? ContactField.trimmedScalars[random.below(ContactField.trimmedScalars.count)]
                : SeededGenerator.letters[random.below(SeededGenerator.letters.count)]
        }
        for _ in 0..<below(4) { text.append(ContactField.trimmedScalars[below(ContactField.trimmedScalars.count)]) }
        for _ in 0..<below(9) { text.append(pick(&self)) }
        for _ in 0..<below(4) { text.append(ContactField.trimmedScalars[below(ContactField.trimmedScalars.count)]) }
        return String(text)
    }
}
