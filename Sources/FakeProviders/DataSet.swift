import OrderCore

/// The emulated accounts' data: Shopify orders, Zoho contacts and the generic source's users, all
/// derived from one seed, so every run with the same flags serves the same records.
///
/// Timestamps are fixed relative to `LocalTime.baseDate` (2025-01-01), never the wall clock; mutations
/// move a fixed-step `clock` that starts after every generated time.
struct DataSet: Sendable {
    /// How many records to generate.
    struct Size: Sendable {
        var orders = 5_000
        var contacts = 5_000
        var users = 120
    }

    var orders: [FakeOrder] = []
    var contacts: [FakeContact] = []
    var users: [FakeUser] = []
    let seed: UInt64
    var random: SplitMix64
    /// The time the next mutation starts from (seconds since 1970).
    var clock = DataSet.mutationClockStart
    /// Shopify customer ids, one per email key (or per guest without email).
    var customerIDs: [String: Int64] = [:]
    var nextCustomerID: Int64 = 7_001_000_000_000
    var nextLineItemID: Int64 = 13_000_000_000_000
    /// Distinct people created so far: makes each generated email unique.
    var people = 0

    /// Generated orders are created between these (2024-01-01 and 2024-11-25, UTC).
    static let ordersFrom: Int64 = 1_704_067_200
    static let ordersUntil: Int64 = 1_732_492_800
    /// Generated contacts are created between these (2023-06-01 and 2024-10-15, UTC).
    static let contactsFrom: Int64 = 1_685_577_600
    static let contactsUntil: Int64 = 1_728_950_400
    /// 2024-12-20T00:00:00Z: after every generated time, before the base date.
    static let mutationClockStart: Int64 = 1_734_652_800
    /// Each mutation advances the clock by this, then hands out one second per three records (so records
    /// changed together share timestamps, as on a busy shop).
    static let mutationStepSeconds: Int64 = 60

    static let orderIDBase: Int64 = 5_100_000_000_000
    static let contactIDBase: Int64 = 5_725_767_000_000_000_000
    static let accountIDBase: Int64 = 5_725_767_000_000_987_000
    static let ownerIDBase: Int64 = 5_725_767_000_000_111_000

    init(seed: UInt64, size: Size) {
        self.seed = seed
        random = SplitMix64(seed: seed)
        let contactStep = size.contacts > 0 ? (DataSet.contactsUntil - DataSet.contactsFrom) / Int64(size.contacts) : 0
        for index in 0..<size.contacts {
            appendContact(
                created: DataSet.contactsFrom + Int64(index) * contactStep + jitter(contactStep), fresh: false)
        }
        tieContactModifiedTimes()
        let orderStep = size.orders > 0 ? (DataSet.ordersUntil - DataSet.ordersFrom) / Int64(size.orders) : 0
        let pool = contactsWithEmail
        for index in 0..<size.orders {
            appendOrder(
                created: DataSet.ordersFrom + Int64(index) * orderStep + jitter(orderStep), fresh: false, pool: pool)
        }
        tieOrderUpdateTimes()
        for index in 0..<size.users {
            users.append(makeUser(id: index + 1, pool: pool))
        }
    }

    private mutating func jitter(_ step: Int64) -> Int64 {
        step > 1 ? Int64(random.below(Int(step))) : 0
    }

    /// Contacts that have an email, in id order (the pool orders and users draw their buyers from).
    var contactsWithEmail: [FakeContact] { contacts.filter { ContactField.emailKey($0.email) != nil } }

    /// The Shopify customer id for an email key, made on first use.
    mutating func customerID(for key: String) -> Int64 {
        if let id = customerIDs[key] { return id }
        nextCustomerID += Int64(random.int(1...97))
        customerIDs[key] = nextCustomerID
        return nextCustomerID
    }

    /// `ana.ruiz.17@example.org` → `Ana.Ruiz.17@Example.org`.
    static func capitalized(_ email: String) -> String {
        var result = ""
        var startOfWord = true
        for character in email {
            result.append(startOfWord ? Character(character.uppercased()) : character)
            startOfWord = character == "." || character == "@"
        }
        return result
    }
}
