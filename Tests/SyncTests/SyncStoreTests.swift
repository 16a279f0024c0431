import Foundation
import OrderCore
import OrderStore
import Storage
import SQLite
import SyncCore
import Testing

@Suite struct SyncStoreTests {
    let root = NSTemporaryDirectory() + "ordersync-sync-" + UUID().uuidString
    var dbPath: String { root + "/db/orders.db" }

    static let sql: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.appendingPathComponent("sql").path
            }
        }
        return "sql"
    }()

    func open() throws -> SyncStore { try SyncStore(path: dbPath, sqlDirectory: Self.sql) }

    func count(_ sql: String) throws -> Int64 {
        try Connection(path: dbPath, mode: .readOnly).scalarInt(sql) ?? -1
    }

    static func shopify(_ id: Int, email: String?, updated: String, status: String = "paid", total: String = "10.00")
        throws -> (SourceRecord, Order)
    {
        let emailJSON = email.map { "\"\($0)\"" } ?? "null"
        let text = """
            {"id":\(id),"email":\(emailJSON),"created_at":"2024-05-01T10:00:00+02:00","updated_at":"\(updated)",
             "financial_status":"\(status)","currency":"EUR","total_price":"\(total)","cancelled_at":null,
             "customer":{"first_name":"Order","last_name":"Name\(id)"}}
            """
        return try RecordMapping.shopifyOrder(JSONParser.parse(Array(text.utf8)))
    }

    static func zoho(_ id: String, email: String?, name: String, phone: String?, company: String?, modified: String)
        throws
        -> SourceRecord
    {
        var members = [
            "\"id\":\"\(id)\"", "\"Full_Name\":\"\(name)\"", "\"Last_Name\":\"L\"", "\"Modified_Time\":\"\(modified)\"",
        ]
        members.append("\"Email\":" + (email.map { "\"\($0)\"" } ?? "null"))
        members.append("\"Phone\":" + (phone.map { "\"\($0)\"" } ?? "null"))
        members.append("\"Account_Name\":" + (company.map { "{\"name\":\"\($0)\",\"id\":\"9\"}" } ?? "null"))
        return try RecordMapping.zohoContact(JSONParser.parse(Array("{\(members.joined(separator: ","))}".utf8)))
    }

    @Test func aPageIsStoredWithItsPositionAndUnchangedRecordsAreNotStoredAgain() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try open()
        let run = try store.beginRun(trigger: "cli", scheduleTime: nil)
        let orders = try [
            Self.shopify(1, email: "a@example.org", updated: "2024-05-02T10:00:00Z"),
            Self.shopify(2, email: nil, updated: "2024-05-02T11:00:00Z"),
        ]
        let state = ConnectorState(cursor: nil, resume: "{\"url\":\"next\"}", highWater: "2024-05-02T11:00:00.000Z")
        let first = try store.storePage(
            connector: "shopify", records: orders.map(\.0), orders: orders.map(\.1), state: state, runID: run)
        #expect(first.inserted == 2 && first.unchanged == 0 && first.ordersInserted == 2)
        #expect(try store.state(of: "shopify") == state)

        // The same page again (a retry, a resumed run, the inclusive cursor bound): nothing new.
        let again = try store.storePage(
            connector: "shopify", records: orders.map(\.0), orders: orders.map(\.1), state: ConnectorState(cursor: "c"),
            runID: run)
        #expect(again.inserted == 0 && again.unchanged == 2 && again.ordersInserted == 0)
        #expect(try store.state(of: "shopify") == ConnectorState(cursor: "c"))
        #expect(try count("SELECT count(*) FROM source_records") == 2)
        #expect(try count("SELECT count(*) FROM orders_raw WHERE source = 'shopify'") == 2)

        // A changed order is a new version in both tables.
        let changed = try Self.shopify(1, email: "a@example.org", updated: "2024-05-03T10:00:00Z", status: "refunded")
        let third = try store.storePage(
            connector: "shopify", records: [changed.0], orders: [changed.1], state: ConnectorState(cursor: "d"),
            runID: run)
        #expect(third.inserted == 1 && third.ordersInserted == 1)
        #expect(try count("SELECT count(*) FROM latest_order_v WHERE order_status = 'refunded'") == 1)
        #expect(try count("SELECT count(*) FROM shopify_orders_v") == 2)
    }

    @Test func runsAreRecordedAndStaleRunningOnesBecomeInterrupted() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try open()
        let first = try store.beginRun(trigger: "http", scheduleTime: "2026-01-01T00:15:00Z")
        // The process "died": the next run finds the first still marked running.
        let second = try store.beginRun(trigger: "scheduler", scheduleTime: "2026-01-01T00:30:00Z")
        try store.finishRun(second, succeeded: true, summary: "{\"run_id\":\(second)}")
        #expect(try count("SELECT count(*) FROM sync_runs WHERE run_id = \(first) AND status = 'interrupted'") == 1)
        #expect(try store.succeededSummary(scheduleTime: "2026-01-01T00:30:00Z") == "{\"run_id\":\(second)}")
        #expect(try store.succeededSummary(scheduleTime: "2026-01-01T00:15:00Z") == nil)
        #expect(try count("SELECT count(*) FROM sync_runs_v") == 2)
    }

    @Test func profilesDeduplicateByEmailAndMergeKeepsEveryOrder() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try open()
        let contacts = try [
            // Same person twice, differently cased: the complete record wins over the newer, poorer one.
            Self.zoho(
                "1", email: " Ana@Example.org ", name: "Ana Ruiz", phone: "+34 600 000 000", company: "Acme SL",
                modified: "2024-01-01T00:00:00Z"),
            Self.zoho(
                "2", email: "ana@example.org", name: "Ana R.", phone: "12", company: nil,
                modified: "2024-03-01T00:00:00Z"),
            Self.zoho(
                "3", email: "bo@example.org", name: "Bo", phone: nil, company: nil, modified: "2024-03-01T00:00:00Z"),
            Self.zoho("4", email: nil, name: "No Email", phone: nil, company: nil, modified: "2024-03-01T00:00:00Z"),
        ]
        _ = try store.storePage(connector: "zoho", records: contacts, orders: [], state: ConnectorState(), runID: 1)
        let orders = try [
            Self.shopify(10, email: "ANA@example.org", updated: "2024-05-02T10:00:00Z", total: "59.90"),
            Self.shopify(11, email: " ana@example.org", updated: "2024-05-02T10:00:00Z", status: "paid", total: "0.10"),
            Self.shopify(12, email: "nobody@example.org", updated: "2024-05-02T10:00:00Z"),
            Self.shopify(13, email: nil, updated: "2024-05-02T10:00:00Z"),
        ]
        _ = try store.storePage(
            connector: "shopify", records: orders.map(\.0), orders: orders.map(\.1), state: ConnectorState(), runID: 1)

        let connection = try Connection(path: dbPath, mode: .readOnly)
        let profile = try connection.prepare(
            "SELECT customer_name, company, phone, quality_score, records, kept_id, order_count, total_spent FROM customer_profiles_v WHERE email = 'ana@example.org'"
        )
        #expect(try profile.step())
        #expect(profile.string(0) == "Ana Ruiz")
        #expect(profile.string(1) == "Acme SL")
        #expect(profile.string(2) == "+34 600 000 000")
        #expect(profile.int64(3) == 100)
        #expect(profile.int64(4) == 2)
        #expect(profile.string(5) == "1")
        #expect(profile.int64(6) == 2)
        #expect(profile.double(7) == 60)
        #expect(try count("SELECT count(*) FROM customer_profiles_v") == 2)

        let merge = try store.mergeCounts()
        #expect(merge.merged == 4)
        #expect(merge.unmatched == 2)
        let matched = try connection.prepare(
            "SELECT order_id, customer_name, customer_email, customer_company, order_total_price, currency, crm_match FROM merged_orders_v ORDER BY order_id"
        )
        var rows: [[String?]] = []
        while try matched.step() { rows.append((0..<7).map { matched.string(Int32($0)) }) }
        #expect(rows[0] == ["10", "Ana Ruiz", "ana@example.org", "Acme SL", "59.90", "EUR", "1"])
        #expect(rows[2] == ["12", "Order Name12", "nobody@example.org", nil, "10.00", "EUR", "0"])
        #expect(rows[3] == ["13", "Order Name13", nil, nil, "10.00", "EUR", "0"])
    }

    /// CRM and shop exports pad values with tabs, CR/LF, no-break and ideographic spaces, ZWSP and BOMs
    /// (docs/contract.md §2 "Customers and the merge"): every source's padded copies of one email are one
    /// customer, every order matches it, and the better record's name, company and phone are kept.
    @Test func paddedEmailsFromEverySourceAreOneCustomer() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try open()
        func zoho(_ id: String, _ fields: [String: String]) throws -> SourceRecord {
            var members: [(name: String, value: JSONValue)] = [("id", .string(id))]
            for (key, value) in fields {
                members.append((key, key == "Account_Name" ? .object(["name": .string(value)]) : .string(value)))
            }
            return try RecordMapping.zohoContact(.object(JSONObject.make(members).get()))
        }
        let contacts = try [
            // Complete (100 points) but older: it is the kept record.
            zoho(
                "1",
                [
                    "Email": "\u{00A0}ana.ruiz@example.org\r\n", "Full_Name": "\u{3000}Ana Ruiz\t",
                    "Phone": "\u{200B}+34 600 000 000\r\n", "Account_Name": "\tAcme SL\u{00A0}",
                    "Modified_Time": "2024-01-01T00:00:00Z",
                ]),
            // Newer and poorer (no company, an invalid phone).
            zoho(
                "2",
                [
                    "Email": "ANA.RUIZ@example.org\u{FEFF}", "Full_Name": "\u{2003}A.\u{2028}", "Phone": " 12 ",
                    "Modified_Time": "2024-03-01T00:00:00Z",
                ]),
        ]
        _ = try store.storePage(connector: "zoho", records: contacts, orders: [], state: ConnectorState(), runID: 1)
        let user = try RecordMapping.customer(
            .object([
                "id": .number("7"), "email": .string("\tAna.Ruiz@Example.Org "), "first_name": .string("Ana\u{00A0}"),
                "last_name": .string("\u{2009}R.\u{000B}"),
            ]))
        _ = try store.storePage(connector: "customers", records: [user], orders: [], state: ConnectorState(), runID: 1)
        let orders = try [
            "\tAna.Ruiz@Example.Org ", "\u{00A0}ana.ruiz@example.org\r\n", "\u{3000}ANA.RUIZ@EXAMPLE.ORG\u{200B}",
            "\u{FEFF}ana.ruiz@example.org\u{2029}\u{0085}",
        ].enumerated().map { index, email in
            try RecordMapping.shopifyOrder(
                .object([
                    "id": .number(String(20 + index)), "email": .string(email), "total_price": .string("10.00"),
                    "created_at": .string("2024-05-01T10:00:00Z"), "updated_at": .string("2024-05-02T10:00:00Z"),
                    "customer": .object(["first_name": .string("\tOrder\u{00A0}"), "last_name": .string("\r\nName ")]),
                ]))
        }
        _ = try store.storePage(
            connector: "shopify", records: orders.map(\.0), orders: orders.map(\.1), state: ConnectorState(), runID: 1)

        #expect(try count("SELECT count(*) FROM customer_profiles_v") == 1)
        let connection = try Connection(path: dbPath, mode: .readOnly)
        let profile = try connection.prepare(
            "SELECT email, customer_name, company, phone, records, kept_source, kept_id, order_count, email_valid FROM customer_profiles_v"
        )
        #expect(try profile.step())
        #expect(
            (0..<9).map { profile.string(Int32($0)) }
                == ["ana.ruiz@example.org", "Ana Ruiz", "Acme SL", "+34 600 000 000", "3", "zoho", "1", "4", "1"])
        // Every padded email is valid once trimmed, and the customer's name is its trimmed parts.
        #expect(try count("SELECT count(*) FROM contact_records_v WHERE email_valid") == 3)
        #expect(try count("SELECT count(*) FROM contact_records_v WHERE source = 'customers' AND name = 'Ana R.'") == 1)
        let merged = try connection.prepare(
            "SELECT DISTINCT customer_name, customer_email, customer_company, crm_match, customer_record_id FROM merged_orders_v"
        )
        var rows: [[String?]] = []
        while try merged.step() { rows.append((0..<5).map { merged.string(Int32($0)) }) }
        #expect(rows == [["Ana Ruiz", "ana.ruiz@example.org", "Acme SL", "1", "1"]])
        #expect(try store.mergeCounts().unmatched == 0)
        #expect(try count("SELECT count(*) FROM shopify_orders_v WHERE order_customer_name = 'Order Name'") == 4)
    }
}
