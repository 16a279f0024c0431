import OrderCore
import SQLite
package import Storage
import Threads

/// Customers and their outbox on SQLite (docs/customers.md; the rule is Storage's CustomerRule). A
/// connection of its own beside the order writer, like the sync worker's (SyncStore.swift): each
/// change is one `BEGIN IMMEDIATE` transaction holding the version and its deliveries, committed with
/// the writer's durability settings before the caller hears of it. Calls are serialised on the
/// connection; customer changes are far fewer than orders, so they do without group commit.
package final class CustomerStore: CustomerStorage {
    private let connection: Locked<Connection>
    let path: String

    /// Opens the database at `path`, whose schema the server's OrderStore already applied.
    package init(path: String) throws(StoreError) {
        self.path = path
        do {
            let connection = try Connection(path: path, mode: .readWrite, busyTimeoutMilliseconds: 10_000)
            try connection.configureAsWriter()
            self.connection = Locked(connection)
        } catch {
            throw StoreError(error)
        }
    }

    /// Runs `body` on the connection, inside a write transaction when `write`.
    private func run<R>(write: Bool = false, _ body: (Connection) throws(SQLiteError) -> R) throws(StoreError) -> R {
        let result = connection.withLock { connection -> Result<R, SQLiteError> in
            do {
                if write { try connection.cached("BEGIN IMMEDIATE").run() }
                let value = try body(connection)
                if write { try connection.cached("COMMIT").run() }
                return .success(value)
            } catch let error as SQLiteError {
                connection.rollbackQuietly()
                return .failure(error)
            } catch {
                connection.rollbackQuietly()
                return .failure(SQLiteError(code: 1, message: "\(error)"))
            }
        }
        switch result {
        case .success(let value): return value
        case .failure(let error): throw StoreError(error)
        }
    }

    package func change(_ request: CustomerChangeRequest) throws(StoreError) -> CustomerChangeResult {
        try run(write: true) { connection throws(SQLiteError) in try Self.apply(request, on: connection) }
    }

    /// One change inside the caller's transaction: the version, its deliveries or its conflict.
    private static func apply(_ request: CustomerChangeRequest, on connection: Connection) throws(SQLiteError)
        -> CustomerChangeResult
    {
        let current = try Self.current(request.customerID, on: connection)
        // Under the customer's lock: a change timed by its receipt comes after what it is applied to.
        let request = request.placed(after: current)
        let decision = CustomerRule.decide(request, current: current)
        let state: Customer?
        let applied: Bool
        switch decision {
        case .notFound: return CustomerChangeResult(outcome: .notFound, version: nil, queued: 0)
        case .unchanged: return CustomerChangeResult(outcome: .unchanged, version: current, queued: 0)
        case .apply(let next): (state, applied) = (next, true)
        case .stale(let next): (state, applied) = (next, false)
        }
        let last = try connection.cached("SELECT max(version) FROM customer_versions WHERE customer_id = ?")
        defer { last.reset() }
        try last.bind(1, request.customerID)
        let number = try last.step() ? Int(last.int64(0)) + 1 : 1
        last.reset()
        let version = CustomerVersion(
            customerID: request.customerID, version: number, source: request.source,
            changedAt: request.changedAt, receivedAt: request.receivedAt, customer: state, applied: applied)
        let insert = try connection.cached(
            """
            INSERT INTO customer_versions (customer_id, version, source, change, changed_at, received_at, deleted,
                applied, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try insert.bind([request.customerID])
        try insert.bind(2, Int64(number))
        try insert.bind(3, request.source)
        try insert.bind(4, request.change.name)
        try insert.bind(5, request.changedAt)
        try insert.bind(6, request.receivedAt)
        try insert.bind(7, Int64(state == nil ? 1 : 0))
        try insert.bind(8, Int64(applied ? 1 : 0))
        try insert.bind(9, Self.payload(state, id: request.customerID))
        try insert.run()
        guard applied else {
            if let current { try Self.logLate(request, current: current, on: connection) }
            return CustomerChangeResult(outcome: .stale, version: version, queued: 0)
        }
        let enqueue = try connection.cached(
            """
            INSERT INTO customer_outbox (crm, customer_id, version, state, attempts, next_attempt_at, queued_at)
            VALUES (?, ?, ?, 'pending', 0, ?, ?)
            """)
        for crm in request.crms {
            try enqueue.bind([crm, request.customerID])
            try enqueue.bind(3, Int64(number))
            try enqueue.bind(4, request.receivedAt)
            try enqueue.bind(5, request.receivedAt)
            try enqueue.run()
        }
        return CustomerChangeResult(outcome: .applied, version: version, queued: request.crms.count)
    }

    package func applyCRMEvents(_ events: [CRMEvent], receivedAt: String, crms: [String]) throws(StoreError)
        -> [(outcome: CRMEvent.Outcome, detail: String?)]
    {
        try run(write: true) { connection throws(SQLiteError) in
            var results: [(outcome: CRMEvent.Outcome, detail: String?)] = []
            for event in events {
                results.append(
                    try event.resolve(
                        receivedAt: receivedAt, crms: crms,
                        known: { key throws(SQLiteError) in
                            let select = try connection.cached(
                                "SELECT 1 FROM source_events WHERE event_key = ?1 OR delivery_key = ?1")
                            defer { select.reset() }
                            try select.bind(1, key)
                            return try select.step()
                        },
                        linked: { recordID throws(SQLiteError) in
                            let select = try connection.cached(
                                """
                                SELECT customer_id FROM customer_outbox WHERE crm = ? AND remote_id = ? AND state = 'delivered'
                                ORDER BY delivery_id DESC LIMIT 1
                                """)
                            defer { select.reset() }
                            try select.bind([event.crm, recordID])
                            return try select.step() ? select.string(0) : nil
                        },
                        delivered: { customerID throws(SQLiteError) in
                            let select = try connection.cached(
                                """
                                SELECT v.payload FROM customer_outbox AS o
                                JOIN customer_versions AS v ON v.customer_id = o.customer_id AND v.version = o.version
                                WHERE o.crm = ? AND o.customer_id = ? AND o.state = 'delivered' AND v.deleted = 0
                                ORDER BY o.version DESC LIMIT 1
                                """)
                            defer { select.reset() }
                            try select.bind([event.crm, customerID])
                            return try select.step() ? select.string(0).flatMap { Customer(payload: Array($0.utf8)) } : nil
                        },
                        apply: { request throws(SQLiteError) in try Self.apply(request, on: connection) },
                        record: { status, detail throws(SQLiteError) in
                            let insert = try connection.cached(
                                """
                                INSERT INTO source_events (event_key, source, source_id, event_type, payload, received_at,
                                    event_time, status, detail, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                                """)
                            try insert.bind([event.key, event.crm, event.recordID, event.type])
                            try insert.bind(5, blob: event.payload)
                            try insert.bind(6, receivedAt)
                            try insert.bind(7, event.occurredAt)
                            try insert.bind(8, status)
                            try insert.bind(9, detail)
                            try insert.bind(10, event.checksum)
                            try insert.run()
                        }))
            }
            return results
        }
    }

    static func payload(_ state: Customer?, id: String) -> String {
        String(decoding: (state ?? Customer(id: id, fields: [:])).payload, as: UTF8.self)
    }

    /// The newest applied version of `id`, or nil.
    private static func current(_ id: String, on connection: Connection) throws(SQLiteError) -> CustomerVersion? {
        let select = try connection.cached(
            "\(versionColumns) WHERE customer_id = ? AND applied = 1 ORDER BY version DESC LIMIT 1")
        defer { select.reset() }
        try select.bind(1, id)
        return try select.step() ? version(select) : nil
    }

    static let versionColumns =
        "SELECT customer_id, version, source, changed_at, received_at, deleted, applied, payload FROM customer_versions"

    private static func version(_ row: Statement) -> CustomerVersion {
        let id = row.string(0) ?? ""
        let deleted = row.int64(5) != 0
        let customer = deleted ? nil : row.withText(7) { $0.flatMap { Customer(payload: Array($0)) } }
        return CustomerVersion(
            customerID: id, version: Int(row.int64(1)), source: row.string(2) ?? "", changedAt: row.string(3) ?? "",
            receivedAt: row.string(4) ?? "", customer: customer, applied: row.int64(6) != 0)
    }

    /// A change older than the current state lost to it: conflict_log says so (docs/customers.md §2).
    private static func logLate(
        _ request: CustomerChangeRequest, current: CustomerVersion, on connection: Connection
    ) throws(SQLiteError) {
        let insert = try connection.cached(
            """
            INSERT INTO conflict_log (entity, kind, winner_source, loser_source, resolution, event_time, winner_time,
                details, logged_at) VALUES (?, 'late', ?, ?, 'kept_in_history', ?, ?, ?, ?)
            """)
        try insert.bind([
            CustomerRule.conflictEntity(request.customerID), current.source, request.source, request.changedAt,
            current.changedAt, CustomerRule.lateDetails(request, current: current), request.receivedAt,
        ])
        try insert.run()
    }

    package func customer(_ id: String, historyLimit: Int) throws(StoreError) -> CustomerDetail? {
        try run { connection throws(SQLiteError) in
            guard let current = try Self.current(id, on: connection) else { return nil }
            let history = try connection.cached("\(Self.versionColumns) WHERE customer_id = ? ORDER BY version DESC LIMIT ?")
            defer { history.reset() }
            try history.bind(1, id)
            try history.bind(2, Int64(historyLimit))
            var versions: [CustomerVersion] = []
            while try history.step() { versions.append(Self.version(history)) }
            history.reset()
            let deliveries = try connection.cached(
                """
                SELECT crm, max(CASE WHEN state = 'delivered' THEN version END),
                    max(CASE WHEN state = 'delivered' THEN settled_at END),
                    sum(state = 'pending'), sum(state = 'dead'),
                    (SELECT last_error FROM customer_outbox AS n WHERE n.crm = o.crm AND n.customer_id = o.customer_id
                        ORDER BY version DESC LIMIT 1)
                FROM customer_outbox AS o WHERE customer_id = ? GROUP BY crm ORDER BY crm
                """)
            defer { deliveries.reset() }
            try deliveries.bind(1, id)
            var states: [CRMDeliveryState] = []
            while try deliveries.step() {
                states.append(
                    CRMDeliveryState(
                        crm: deliveries.string(0) ?? "",
                        deliveredVersion: deliveries.isNull(1) ? nil : Int(deliveries.int64(1)),
                        deliveredAt: deliveries.string(2), pending: Int(deliveries.int64(3)),
                        dead: Int(deliveries.int64(4)), lastError: deliveries.string(5)))
            }
            return CustomerDetail(current: current, history: versions, deliveries: states)
        }
    }

    package func customers(after: String?, limit: Int) throws(StoreError) -> [CustomerVersion] {
        try run { connection throws(SQLiteError) in
            let select = try connection.cached(
                """
                \(Self.versionColumns) AS v WHERE v.customer_id > ? AND v.applied = 1 AND v.deleted = 0
                AND v.version = (SELECT max(version) FROM customer_versions AS w
                                 WHERE w.customer_id = v.customer_id AND w.applied = 1)
                ORDER BY v.customer_id LIMIT ?
                """)
            defer { select.reset() }
            try select.bind(1, after ?? "")
            try select.bind(2, Int64(limit))
            var rows: [CustomerVersion] = []
            while try select.step() { rows.append(Self.version(select)) }
            return rows
        }
    }

    package func dueDeliveries(crm: String, now: String, limit: Int) throws(StoreError) -> [OutboxItem] {
        try run { connection throws(SQLiteError) in
            let select = try connection.cached(
                """
                SELECT o.delivery_id, o.customer_id, o.version, o.attempts, o.queued_at, v.deleted, v.payload,
                    CASE WHEN v.deleted = 1 THEN (SELECT p.payload FROM customer_versions AS p
                    WHERE p.customer_id = o.customer_id AND p.version < o.version AND p.deleted = 0 AND p.applied = 1
                    ORDER BY p.version DESC LIMIT 1) END
                FROM customer_outbox AS o
                JOIN customer_versions AS v ON v.customer_id = o.customer_id AND v.version = o.version
                WHERE o.crm = ? AND o.state = 'pending' AND o.next_attempt_at <= ?
                AND NOT EXISTS (SELECT 1 FROM customer_outbox AS p WHERE p.crm = o.crm AND p.customer_id = o.customer_id
                                AND p.state = 'pending' AND p.version > o.version)
                ORDER BY o.next_attempt_at, o.delivery_id LIMIT ?
                """)
            defer { select.reset() }
            try select.bind([crm, now])
            try select.bind(3, Int64(limit))
            var items: [OutboxItem] = []
            while try select.step() {
                let deleted = select.int64(5) != 0
                items.append(
                    OutboxItem(
                        deliveryID: select.int64(0), crm: crm, customerID: select.string(1) ?? "",
                        version: Int(select.int64(2)),
                        customer: deleted ? nil : select.withText(6) { $0.flatMap { Customer(payload: Array($0)) } },
                        attempts: Int(select.int64(3)), queuedAt: select.string(4) ?? "",
                        lastEmail: select.string(7).flatMap { Customer(payload: Array($0.utf8))?[.email] }))
            }
            return items
        }
    }

    package func settle(_ settlements: [OutboxSettlement], at now: String) throws(StoreError) {
        guard !settlements.isEmpty else { return }
        try run(write: true) { connection throws(SQLiteError) in
            for settlement in settlements {
                let (sql, values) = Self.settlementSQL(settlement.result, now: now)
                let update = try connection.cached(sql)
                try update.bind(values)
                try update.bind(Int32(values.count + 1), settlement.deliveryID)
                try update.run()
                switch settlement.result {
                case .delivered, .dead:
                    let supersede = try connection.cached(
                        """
                        UPDATE customer_outbox SET state = 'superseded', settled_at = ?
                        WHERE state = 'pending' AND (crm, customer_id) =
                            (SELECT crm, customer_id FROM customer_outbox WHERE delivery_id = ?)
                        AND version < (SELECT version FROM customer_outbox WHERE delivery_id = ?)
                        """)
                    try supersede.bind(1, now)
                    try supersede.bind(2, settlement.deliveryID)
                    try supersede.bind(3, settlement.deliveryID)
                    try supersede.run()
                case .retry: break
                }
            }
        }
    }

    /// The UPDATE of one settlement and its values; the delivery id binds after them.
    private static func settlementSQL(_ result: OutboxSettlement.Result, now: String) -> (String, [String?]) {
        switch result {
        case .delivered(let remoteID):
            (
                """
                UPDATE customer_outbox SET state = 'delivered', attempts = attempts + 1, remote_id = ?, settled_at = ?,
                    last_error = NULL WHERE state = 'pending' AND delivery_id = ?
                """, [remoteID, now]
            )
        case .retry(let nextAttemptAt, let reason):
            (
                """
                UPDATE customer_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?
                WHERE state = 'pending' AND delivery_id = ?
                """, [nextAttemptAt, reason]
            )
        case .dead(let reason):
            (
                """
                UPDATE customer_outbox SET state = 'dead', attempts = attempts + 1, last_error = ?, settled_at = ?
                WHERE state = 'pending' AND delivery_id = ?
                """, [reason, now]
            )
        }
    }

    package func outboxStatus(now: String) throws(StoreError) -> [OutboxDepth] {
        try run { connection throws(SQLiteError) in
            let select = try connection.cached(
                """
                SELECT crm, count(DISTINCT CASE WHEN state = 'pending' THEN customer_id END), sum(state = 'pending'),
                    min(CASE WHEN state = 'pending' THEN queued_at END), sum(state = 'dead'), sum(state = 'delivered')
                FROM customer_outbox GROUP BY crm ORDER BY crm
                """)
            defer { select.reset() }
            var rows: [OutboxDepth] = []
            while try select.step() {
                rows.append(
                    OutboxDepth(
                        crm: select.string(0) ?? "", pendingCustomers: Int(select.int64(1)),
                        pendingVersions: Int(select.int64(2)), oldestPendingAt: select.string(3),
                        dead: Int(select.int64(4)), delivered: Int(select.int64(5))))
            }
            return rows
        }
    }

    package func deadLetters(crm: String?, before: Int64?, limit: Int) throws(StoreError) -> [DeadLetter] {
        try run { connection throws(SQLiteError) in
            let select = try connection.cached(
                """
                SELECT delivery_id, crm, customer_id, version, attempts, last_error, queued_at, settled_at
                FROM customer_outbox WHERE state = 'dead' AND (?1 IS NULL OR crm = ?1)
                AND (?2 IS NULL OR delivery_id < ?2) ORDER BY delivery_id DESC LIMIT ?3
                """)
            defer { select.reset() }
            try select.bind(1, crm)
            if let before { try select.bind(2, before) } else { try select.bind(2, nil as String?) }
            try select.bind(3, Int64(limit))
            var rows: [DeadLetter] = []
            while try select.step() {
                rows.append(
                    DeadLetter(
                        deliveryID: select.int64(0), crm: select.string(1) ?? "", customerID: select.string(2) ?? "",
                        version: Int(select.int64(3)), attempts: Int(select.int64(4)), reason: select.string(5) ?? "",
                        queuedAt: select.string(6) ?? "", deadAt: select.string(7) ?? ""))
            }
            return rows
        }
    }

    package func redrive(deliveryID: Int64?, crm: String?, at now: String) throws(StoreError) -> (
        redriven: Int, superseded: Int
    ) {
        try run(write: true) { connection throws(SQLiteError) in
            let filter = "state = 'dead' AND (?2 IS NULL OR delivery_id = ?2) AND (?3 IS NULL OR crm = ?3)"
            let supersede = try connection.cached(
                """
                UPDATE customer_outbox SET state = 'superseded', settled_at = ?1 WHERE \(filter)
                AND EXISTS (SELECT 1 FROM customer_outbox AS n WHERE n.crm = customer_outbox.crm
                    AND n.customer_id = customer_outbox.customer_id AND n.version > customer_outbox.version
                    AND n.state <> 'superseded')
                """)
            let revive = try connection.cached(
                "UPDATE customer_outbox SET state = 'pending', attempts = 0, next_attempt_at = ?1, settled_at = NULL WHERE \(filter)"
            )
            var changed: [Int] = []
            for statement in [supersede, revive] {
                try statement.bind(1, now)
                if let deliveryID { try statement.bind(2, deliveryID) } else { try statement.bind(2, nil as String?) }
                try statement.bind(3, crm)
                try statement.run()
                changed.append(connection.changes)
            }
            return (changed[1], changed[0])
        }
    }
}

extension CustomerStore {
    package func claimDelivery(crm: String) throws(StoreError) -> (any DeliveryLease)? {
        let key = path + "\u{0}" + crm
        return Self.leases.withLock { $0.insert(key).inserted } ? ProcessLease(key: key) : nil
    }

    /// CRMs whose outbox a worker of this process delivers, by database file: a SQLite database has one
    /// serving process, so a lease is that process's (docs/customers.md §3).
    static let leases = Locked<Set<String>>([])

    final class ProcessLease: DeliveryLease {
        let key: String
        private let held = Locked(true)

        init(key: String) { self.key = key }

        var isHeld: Bool { held.withLock { $0 } }

        func release() {
            let wasHeld = held.withLock { held -> Bool in
                defer { held = false }
                return held
            }
            if wasHeld { _ = CustomerStore.leases.withLock { $0.remove(key) } }
        }

        deinit { release() }
    }
}
