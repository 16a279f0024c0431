import HTTPServer
import OrderCore

/// `GET /_fake/dataset`: every record's id and change time, the quirk counts and the expected merge,
/// so tests can compare what ordersync stored with what exists.
extension DataSet {
    /// The merge the fake expects: emails compared by `ContactField.emailKey` (white space trimmed,
    /// ASCII lower-cased: docs/contract.md §2); among contacts sharing an email the one with the latest
    /// Modified_Time wins (ties: the greater id).
    func winners() -> [String: FakeContact] {
        var winners: [String: FakeContact] = [:]
        for contact in contacts {
            guard let key = ContactField.emailKey(contact.email) else { continue }
            if let current = winners[key],
                (current.modifiedTime, current.id) > (contact.modifiedTime, contact.id)
            {
                continue
            }
            winners[key] = contact
        }
        return winners
    }

    func summary() -> JSONValue {
        let winners = winners()
        var groupSizes: [String: Int] = [:]
        for contact in contacts {
            if let key = ContactField.emailKey(contact.email) { groupSizes[key, default: 0] += 1 }
        }
        var updateTimes: [Int64: Int] = [:]
        for order in orders { updateTimes[order.updatedAt, default: 0] += 1 }
        var modifiedTimes: [Int64: Int] = [:]
        for contact in contacts { modifiedTimes[contact.modifiedTime, default: 0] += 1 }

        var orderRows: [JSONValue] = []
        var tally = Tally(zeroes: DataSet.counterNames)
        for order in orders {
            let key = ContactField.emailKey(order.email)
            let winner = key.flatMap { winners[$0] }
            tally.count("orders_by_status", order.statusGroup)
            tally.count("orders_by_financial_status", order.financialStatus)
            tally.count("orders_by_fulfillment_status", order.fulfillmentStatus ?? "null")
            if order.email == nil { tally.add("orders_email_null") }
            if order.email == "" { tally.add("orders_email_empty") }
            if key == nil { tally.add("orders_without_email") }
            if key != nil && winner == nil { tally.add("orders_email_unmatched") }
            if let winner {
                tally.add("orders_email_matched")
                if order.email != winner.email { tally.add("orders_email_differs_from_contact_in_case_or_spaces") }
                if (groupSizes[key ?? ""] ?? 0) > 1 { tally.add("orders_matching_duplicate_contacts") }
            }
            if let email = order.email, !email.isEmpty, email != ContactField.trimmed(email) {
                tally.add("orders_email_with_surrounding_spaces")
            }
            if (updateTimes[order.updatedAt] ?? 0) > 1 { tally.add("orders_sharing_updated_at") }
            orderRows.append(
                JSON.object([
                    ("id", JSON.int(order.id)), ("updated_at", .string(LocalTime.shopify(order.updatedAt))),
                    ("status", .string(order.statusGroup)), ("email", JSON.string(order.email)),
                    ("email_key", JSON.string(key)), ("contact_id", JSON.string(winner.map { String($0.id) })),
                    ("total_price", JSON.money(order.totalCents)), ("currency", .string(order.currency)),
                ]))
        }
        var contactRows: [JSONValue] = []
        for contact in contacts {
            let key = ContactField.emailKey(contact.email)
            if key == nil { tally.add("contacts_without_email") }
            if let key, (groupSizes[key] ?? 0) > 1 { tally.add("contacts_with_duplicate_email") }
            if let email = contact.email, email != email.lowercased() { tally.add("contacts_email_not_lowercase") }
            if contact.firstName == nil { tally.add("contacts_without_first_name") }
            if contact.account == nil { tally.add("contacts_without_account") }
            if let email = contact.email, !email.isEmpty, email != ContactField.trimmed(email) {
                tally.add("contacts_padded_email")
            }
            if contact.fullName != ContactField.trimmed(contact.fullName) { tally.add("contacts_padded_name") }
            if let phone = contact.phone, !phone.isEmpty, phone != ContactField.trimmed(phone) {
                tally.add("contacts_padded_phone")
            }
            switch contact.phone {
            case nil: tally.add("contacts_without_phone")
            case let phone? where Vocabulary.invalidPhones.contains(ContactField.trimmed(phone) ?? ""):
                tally.add("contacts_invalid_phone")
            default: tally.add("contacts_valid_phone")
            }
            if (modifiedTimes[contact.modifiedTime] ?? 0) > 1 { tally.add("contacts_sharing_modified_time") }
            contactRows.append(
                JSON.object([
                    ("id", .string(String(contact.id))),
                    ("modified_time", .string(LocalTime.zoho(contact.modifiedTime))),
                    ("email", JSON.string(contact.email)), ("email_key", JSON.string(key)),
                    ("wins_merge", .bool(key.map { winners[$0]?.id == contact.id } ?? false)),
                ]))
        }
        var userRows: [JSONValue] = []
        for user in users {
            let winner = ContactField.emailKey(user.email).flatMap { winners[$0] }
            if winner != nil { tally.add("customers_matching_contacts") }
            if user.email != user.email.lowercased() { tally.add("customers_email_not_lowercase") }
            if user.email != ContactField.trimmed(user.email) { tally.add("customers_padded_email") }
            userRows.append(
                JSON.object([
                    ("id", JSON.int(user.id)), ("email", .string(user.email)),
                    ("contact_id", JSON.string(winner.map { String($0.id) })),
                ]))
        }
        tally.set("orders", orders.count)
        tally.set("contacts", contacts.count)
        tally.set("customers", users.count)
        tally.set("duplicate_email_groups", groupSizes.values.filter { $0 > 1 }.count)
        tally.set("largest_duplicate_group", groupSizes.values.max() ?? 0)
        tally.set("distinct_order_email_keys", Set(orders.compactMap { ContactField.emailKey($0.email) }).count)
        return JSON.object([
            ("seed", .number(String(seed))), ("base_date", .string(LocalTime.utc(LocalTime.baseDate))),
            ("clock", .string(LocalTime.utc(clock))),
            ("merge_rule", .string(DataSet.mergeRule)),
            ("counts", tally.json), ("orders", .array(orderRows)), ("contacts", .array(contactRows)),
            ("customers", .array(userRows)),
        ])
    }

    /// Counters that are always present (0 when nothing matched).
    static let counterNames = [
        "orders_email_null", "orders_email_empty", "orders_without_email", "orders_email_unmatched",
        "orders_email_matched", "orders_email_differs_from_contact_in_case_or_spaces",
        "orders_matching_duplicate_contacts", "orders_email_with_surrounding_spaces", "orders_sharing_updated_at",
        "contacts_without_email", "contacts_with_duplicate_email", "contacts_email_not_lowercase",
        "contacts_without_first_name", "contacts_without_account", "contacts_without_phone", "contacts_invalid_phone",
        "contacts_valid_phone", "contacts_sharing_modified_time", "customers_matching_contacts",
        "customers_email_not_lowercase", "contacts_padded_email", "contacts_padded_name", "contacts_padded_phone",
        "customers_padded_email",
    ]

    static let mergeRule =
        "email with white space trimmed (Unicode White_Space, ZWSP, BOM) and ASCII lower-cased; among contacts sharing an email the latest Modified_Time wins (ties: greater id)"
}

/// Named counters, some of them grouped (`orders_by_status.open`).
private struct Tally {
    private var flat: [String: Int] = [:]
    private var grouped: [String: [String: Int]] = [:]

    init(zeroes: [String]) {
        for name in zeroes { flat[name] = 0 }
    }

    mutating func add(_ name: String) { flat[name, default: 0] += 1 }
    mutating func set(_ name: String, _ value: Int) { flat[name] = value }
    mutating func count(_ group: String, _ name: String) { grouped[group, default: [:]][name, default: 0] += 1 }

    var json: JSONValue {
        JSON.object(
            flat.map { ($0.key, JSON.int($0.value)) }
                + grouped.map { group in (group.key, JSON.object(group.value.map { ($0.key, JSON.int($0.value)) })) })
    }
}
