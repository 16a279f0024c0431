import OrderCore
import PostgreSQL
package import Storage
import Threads

/// Customers and their outbox on PostgreSQL, the twin of Sources/OrderStore/CustomerStore.swift (same
/// rule, Storage's CustomerRule; same tables, sql/postgresql/tables/customer_*.sql). Each change is one
/// transaction that first takes an advisory lock on the customer, so instances sharing the database
/// number its versions one after the other; COMMIT returns with synchronous_commit on before the
/// caller hears of it.
package final class PostgresCustomerStore: CustomerStorage {
    private let pool: ConnectionPool
    private let url: String
    /// Advisory-lock class of a customer's changes (hashtextextended's seed; PostgresEvents uses 12).
    static let lockSeed: Int64 = 13

    /// A pool of `capacity` connections to `url`, whose schema the server's PostgresStore applied.
    package init(url: String, capacity: Int = 4) {
        self.url = url
        pool = ConnectionPool(capacity: capacity) { () throws(PostgresError) in try PostgresStore.connect(url) }
    }

    package func close() { pool.close() }

    private func run<R>(write: Bool = false, _ body: (PGConnection) throws(PostgresError) -> R) throws(StoreError) -> R {
        try pool.withConnection { connection in
            guard write else { return try body(connection) }
            _ = try connection.query("BEGIN")
            let value = try body(connection)
            _ = try connection.query("COMMIT")
            return value
        }
    }

    package func change(_ request: CustomerChangeRequest) throws(StoreError) -> CustomerChangeResult {
        try run(write: true) { connection throws(PostgresError) in try Self.apply(request, on: connection) }
    }

    /// One change inside the caller's transaction: the customer's lock, then the version, its deliveries
    /// or its conflict.
    private static func apply(_ request: CustomerChangeRequest, on connection: PGConnection) throws(PostgresError)
        -> CustomerChangeResult
    {
        _ = try connection.queryCached(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, \(Self.lockSeed)))", [.text(request.customerID)])
        let current = try Self.current(request.customerID, on: connection)
        // Under the customer's lock: a change timed by its receipt comes after what it is applied to.
        let request = request.placed(after: current)
        let state: Customer?
        let applied: Bool
        switch CustomerRule.decide(request, current: current) {
        case .notFound: return CustomerChangeResult(outcome: .notFound, version: nil, queued: 0)
        case .unchanged: return CustomerChangeResult(outcome: .unchanged, version: current, queued: 0)
        case .apply(let next): (state, applied) = (next, true)
        case .stale(let next): (state, applied) = (next, false)
        }
        let last = try connection.queryCached(
            "SELECT coalesce(max(version), 0) FROM customer_versions WHERE customer_id = $1",
            [.text(request.customerID)])
        let number = Int(try last.int64(0, 0) ?? 0) + 1
        _ = try connection.queryCached(
            """
            INSERT INTO customer_versions (customer_id, version, source, change, changed_at, received_at, deleted,
                applied, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            [
                .text(request.customerID), .int64(Int64(number)), .text(request.source), .text(request.change.name),
                .text(request.changedAt), .text(request.receivedAt), .int64(state == nil ? 1 : 0),
                .int64(applied ? 1 : 0), .text(String(decoding: (state ?? Customer(id: request.customerID, fields: [:])).payload, as: UTF8.self)),
            ])
        let version = CustomerVersion(
            customerID: request.customerID, version: number, source: request.source,
            changedAt: request.changedAt, receivedAt: request.receivedAt, customer: state, applied: applied)
        guard applied else {
            if let current {
                _ = try connection.queryCached(
                    """
                    INSERT INTO conflict_log (entity, kind, winner_source, loser_source, resolution, event_time,
                        winner_time, details, logged_at) VALUES ($1, 'late', $2, $3, 'kept_in_history', $4, $5, $6, $7)
                    """,
                    [
                        .text(CustomerRule.conflictEntity(request.customerID)), .text(current.source),
                        .text(request.source), .text(request.changedAt), .text(current.changedAt),
                        .text(CustomerRule.lateDetails(request, current: current)), .text(request.receivedAt),
                    ])
            }
            return CustomerChangeResult(outcome: .stale, version: version, queued: 0)
        }
        for crm in request.crms {
            _ = try connection.queryCached(
                """
                INSERT INTO customer_outbox (crm, customer_id, version, state, attempts, next_attempt_at, queued_at)
                VALUES ($1, $2, $3, 'pending', 0, $4, $4)
                """,
                [.text(crm), .text(request.customerID), .int64(Int64(number)), .text(request.receivedAt)])
        }
        return CustomerChangeResult(outcome: .applied, version: version, queued: request.crms.count)
    }

    package func applyCRMEvents(_ events: [CRMEvent], receivedAt: String, crms: [String]) throws(StoreError)
        -> [(outcome: CRMEvent.Outcome, detail: String?)]
    {
        try run(write: true) { connection throws(PostgresError) in
            // Instances that take the same redelivery at once take turns: the second finds the first's row.
            for key in Set(events.map(\.key)).sorted() {
                _ = try connection.queryCached("SELECT pg_advisory_xact_lock(hashtextextended($1, 12))", [.text(key)])
            }
            var results: [(outcome: CRMEvent.Outcome, detail: String?)] = []
            for event in events {
                results.append(
                    try event.resolve(
                        receivedAt: receivedAt, crms: crms,
                        known: { key throws(PostgresError) in
                            try connection.queryCached(
                                "SELECT 1 FROM source_events WHERE event_key = $1 OR delivery_key = $1", [.text(key)]
                            ).rowCount > 0
                        },
                        linked: { recordID throws(PostgresError) in
                            let result = try connection.queryCached(
                                """
                                SELECT customer_id FROM customer_outbox WHERE crm = $1 AND remote_id = $2 AND state = 'delivered'
                                ORDER BY delivery_id DESC LIMIT 1
                                """, [.text(event.crm), .text(recordID)])
                            return result.rowCount > 0 ? result.string(0, 0) : nil
                        },
                        delivered: { customerID throws(PostgresError) in
                            let result = try connection.queryCached(
                                """
                                SELECT v.payload FROM customer_outbox AS o
                                JOIN customer_versions AS v ON v.customer_id = o.customer_id AND v.version = o.version
                                WHERE o.crm = $1 AND o.customer_id = $2 AND o.state = 'delivered' AND v.deleted = 0
                                ORDER BY o.version DESC LIMIT 1
                                """, [.text(event.crm), .text(customerID)])
                            return result.rowCount > 0
                                ? result.string(0, 0).flatMap { Customer(payload: Array($0.utf8)) } : nil
                        },
                        apply: { request throws(PostgresError) in try Self.apply(request, on: connection) },
                        record: { status, detail throws(PostgresError) in
                            _ = try connection.queryCached(
                                """
                                INSERT INTO source_events (event_key, source, source_id, event_type, payload, received_at,
                                    event_time, status, detail, checksum) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                                """,
                                [
                                    .text(event.key), .text(event.crm), PGValue(event.recordID), .text(event.type),
                                    .bytes(event.payload), .text(receivedAt), .text(event.occurredAt), .text(status),
                                    PGValue(detail), .text(event.checksum),
                                ])
                        }))
            }
            return results
        }
    }

    static let versionColumns =
        "SELECT customer_id, version, source, changed_at, received_at, deleted, applied, payload FROM customer_versions"

    private static func current(_ id: String, on connection: PGConnection) throws(PostgresError) -> CustomerVersion? {
        let result = try connection.queryCached(
            "\(versionColumns) WHERE customer_id = $1 AND applied = 1 ORDER BY version DESC LIMIT 1", [.text(id)])
        return result.rowCount > 0 ? try version(result, 0) : nil
    }

    private static func version(_ result: PGResult, _ row: Int) throws(PostgresError) -> CustomerVersion {
        let deleted = try result.int64(row, 5) != 0
        let customer = deleted ? nil : result.string(row, 7).flatMap { Customer(payload: Array($0.utf8)) }
        return CustomerVersion(
            customerID: result.string(row, 0) ?? "", version: Int(try result.int64(row, 1) ?? 0),
            source: result.string(row, 2) ?? "", changedAt: result.string(row, 3) ?? "",
            receivedAt: result.string(row, 4) ?? "", customer: customer, applied: try result.int64(row, 6) != 0)
    }

    package func customer(_ id: String, historyLimit: Int) throws(StoreError) -> CustomerDetail? {
        try run { connection throws(PostgresError) in
            guard let current = try Self.current(id, on: connection) else { return nil }
            let history = try connection.queryCached(
                "\(Self.versionColumns) WHERE customer_id = $1 ORDER BY version DESC LIMIT $2",
                [.text(id), .int64(Int64(historyLimit))])
            var versions: [CustomerVersion] = []
            for row in 0..<history.rowCount { versions.append(try Self.version(history, row)) }
            let deliveries = try connection.queryCached(
                """
                SELECT crm, max(version) FILTER (WHERE state = 'delivered'),
                    max(settled_at) FILTER (WHERE state = 'delivered'),
                    count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'dead'),
                    (SELECT last_error FROM customer_outbox AS n WHERE n.crm = o.crm AND n.customer_id = o.customer_id
                        ORDER BY version DESC LIMIT 1)
                FROM customer_outbox AS o WHERE customer_id = $1 GROUP BY crm, customer_id ORDER BY crm
                """, [.text(id)])
            var states: [CRMDeliveryState] = []
            for row in 0..<deliveries.rowCount {
                states.append(
                    CRMDeliveryState(
                        crm: deliveries.string(row, 0) ?? "",
                        deliveredVersion: try deliveries.int64(row, 1).map { Int($0) },
                        deliveredAt: deliveries.string(row, 2), pending: Int(try deliveries.int64(row, 3) ?? 0),
                        dead: Int(try deliveries.int64(row, 4) ?? 0), lastError: deliveries.string(row, 5)))
            }
            return CustomerDetail(current: current, history: versions, deliveries: states)
        }
    }

    package func customers(after: String?, limit: Int) throws(StoreError) -> [CustomerVersion] {
        try run { connection throws(PostgresError) in
            let result = try connection.queryCached(
                """
                \(Self.versionColumns) AS v WHERE v.customer_id > $1 AND v.applied = 1 AND v.deleted = 0
                AND v.version = (SELECT max(version) FROM customer_versions AS w
                                 WHERE w.customer_id = v.customer_id AND w.applied = 1)
                ORDER BY v.customer_id LIMIT $2
                """, [.text(after ?? ""), .int64(Int64(limit))])
            var rows: [CustomerVersion] = []
            for row in 0..<result.rowCount { rows.append(try Self.version(result, row)) }
            return rows
        }
    }

    package func dueDeliveries(crm: String, now: String, limit: Int) throws(StoreError) -> [OutboxItem] {
        try run { connection throws(PostgresError) in
            let result = try connection.queryCached(
                """
                SELECT o.delivery_id, o.customer_id, o.version, o.attempts, o.queued_at, v.deleted, v.payload,
                    CASE WHEN v.deleted = 1 THEN (SELECT p.payload FROM customer_versions AS p
                    WHERE p.customer_id = o.customer_id AND p.version < o.version AND p.deleted = 0 AND p.applied = 1
                    ORDER BY p.version DESC LIMIT 1) END
                FROM customer_outbox AS o
                JOIN customer_versions AS v ON v.customer_id = o.customer_id AND v.version = o.version
                WHERE o.crm = $1 AND o.state = 'pending' AND o.next_attempt_at <= $2
                AND NOT EXISTS (SELECT 1 FROM customer_outbox AS p WHERE p.crm = o.crm AND p.customer_id = o.customer_id
                                AND p.state = 'pending' AND p.version > o.version)
                ORDER BY o.next_attempt_at, o.delivery_id LIMIT $3
                """, [.text(crm), .text(now), .int64(Int64(limit))])
            var items: [OutboxItem] = []
            for row in 0..<result.rowCount {
                let deleted = try result.int64(row, 5) != 0
                items.append(
                    OutboxItem(
                        deliveryID: try result.int64(row, 0) ?? 0, crm: crm, customerID: result.string(row, 1) ?? "",
                        version: Int(try result.int64(row, 2) ?? 0),
                        customer: deleted ? nil : result.string(row, 6).flatMap { Customer(payload: Array($0.utf8)) },
                        attempts: Int(try result.int64(row, 3) ?? 0), queuedAt: result.string(row, 4) ?? "",
                        lastEmail: result.string(row, 7).flatMap { Customer(payload: Array($0.utf8))?[.email] }))
            }
            return items
        }
    }

    package func settle(_ settlements: [OutboxSettlement], at now: String) throws(StoreError) {
        guard !settlements.isEmpty else { return }
        try run(write: true) { connection throws(PostgresError) in
            for settlement in settlements {
                let id = PGValue.int64(settlement.deliveryID)
                switch settlement.result {
                case .delivered(let remoteID):
                    _ = try connection.queryCached(
                        """
                        UPDATE customer_outbox SET state = 'delivered', attempts = attempts + 1, remote_id = $1,
                            settled_at = $2, last_error = NULL WHERE state = 'pending' AND delivery_id = $3
                        """, [PGValue(remoteID), .text(now), id])
                case .retry(let nextAttemptAt, let reason):
                    _ = try connection.queryCached(
                        """
                        UPDATE customer_outbox SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2
                        WHERE state = 'pending' AND delivery_id = $3
                        """, [.text(nextAttemptAt), .text(reason), id])
                case .dead(let reason):
                    _ = try connection.queryCached(
                        """
                        UPDATE customer_outbox SET state = 'dead', attempts = attempts + 1, last_error = $1,
                            settled_at = $2 WHERE state = 'pending' AND delivery_id = $3
                        """, [.text(reason), .text(now), id])
                }
                if case .retry = settlement.result { continue }
                _ = try connection.queryCached(
                    """
                    UPDATE customer_outbox AS o SET state = 'superseded', settled_at = $1
                    FROM customer_outbox AS s WHERE s.delivery_id = $2 AND o.state = 'pending'
                    AND o.crm = s.crm AND o.customer_id = s.customer_id AND o.version < s.version
                    """, [.text(now), id])
            }
        }
    }

    package func outboxStatus(now: String) throws(StoreError) -> [OutboxDepth] {
        try run { connection throws(PostgresError) in
            let result = try connection.queryCached(
                """
                SELECT crm, count(DISTINCT customer_id) FILTER (WHERE state = 'pending'),
                    count(*) FILTER (WHERE state = 'pending'), min(queued_at) FILTER (WHERE state = 'pending'),
                    count(*) FILTER (WHERE state = 'dead'), count(*) FILTER (WHERE state = 'delivered')
                FROM customer_outbox GROUP BY crm ORDER BY crm
                """)
            var rows: [OutboxDepth] = []
            for row in 0..<result.rowCount {
                rows.append(
                    OutboxDepth(
                        crm: result.string(row, 0) ?? "", pendingCustomers: Int(try result.int64(row, 1) ?? 0),
                        pendingVersions: Int(try result.int64(row, 2) ?? 0), oldestPendingAt: result.string(row, 3),
                        dead: Int(try result.int64(row, 4) ?? 0), delivered: Int(try result.int64(row, 5) ?? 0)))
            }
            return rows
        }
    }

    package func deadLetters(crm: String?, before: Int64?, limit: Int) throws(StoreError) -> [DeadLetter] {
        try run { connection throws(PostgresError) in
            let result = try connection.queryCached(
                """
                SELECT delivery_id, crm, customer_id, version, attempts, last_error, queued_at, settled_at
                FROM customer_outbox WHERE state = 'dead' AND ($1::text IS NULL OR crm = $1)
                AND ($2::bigint IS NULL OR delivery_id < $2) ORDER BY delivery_id DESC LIMIT $3
                """, [PGValue(crm), before.map { .int64($0) } ?? .null, .int64(Int64(limit))])
            var rows: [DeadLetter] = []
            for row in 0..<result.rowCount {
                rows.append(
                    DeadLetter(
                        deliveryID: try result.int64(row, 0) ?? 0, crm: result.string(row, 1) ?? "",
                        customerID: result.string(row, 2) ?? "", version: Int(try result.int64(row, 3) ?? 0),
                        attempts: Int(try result.int64(row, 4) ?? 0), reason: result.string(row, 5) ?? "",
                        queuedAt: result.string(row, 6) ?? "", deadAt: result.string(row, 7) ?? ""))
            }
            return rows
        }
    }

    package func redrive(deliveryID: Int64?, crm: String?, at now: String) throws(StoreError) -> (
        redriven: Int, superseded: Int
    ) {
        try run(write: true) { connection throws(PostgresError) in
            let filter = "state = 'dead' AND ($2::bigint IS NULL OR delivery_id = $2) AND ($3::text IS NULL OR crm = $3)"
            let values: [PGValue] = [.text(now), deliveryID.map { .int64($0) } ?? .null, PGValue(crm)]
            let superseded = try connection.queryCached(
                """
                WITH changed AS (
                    UPDATE customer_outbox AS d SET state = 'superseded', settled_at = $1 WHERE \(filter)
                    AND EXISTS (SELECT 1 FROM customer_outbox AS n WHERE n.crm = d.crm AND n.customer_id = d.customer_id
                                AND n.version > d.version AND n.state <> 'superseded')
                    RETURNING 1)
                SELECT count(*) FROM changed
                """, values)
            let redriven = try connection.queryCached(
                """
                WITH changed AS (
                    UPDATE customer_outbox SET state = 'pending', attempts = 0, next_attempt_at = $1, settled_at = NULL
                    WHERE \(filter) RETURNING 1)
                SELECT count(*) FROM changed
                """, values)
            return (Int(try redriven.int64(0, 0) ?? 0), Int(try superseded.int64(0, 0) ?? 0))
        }
    }
}

extension PostgresCustomerStore {
    /// A session-level advisory lock on a connection of its own, held while the worker delivers: when
    /// the instance dies, its session ends and the lock goes with it, so another instance takes over.
    package func claimDelivery(crm: String) throws(StoreError) -> (any DeliveryLease)? {
        let connection: PGConnection
        do {
            connection = try PostgresStore.connect(url)
            let taken = try connection.query(
                "SELECT pg_try_advisory_lock(\(Self.deliveryLockClass), hashtext($1))", [.text(crm)]
            ).bool(0, 0)
            guard taken == true else { return nil }
        } catch {
            throw StoreError(error)
        }
        return SessionLease(connection: connection)
    }

    /// Advisory-lock class of a CRM's delivery (PostgresSyncStore.runLockClass is the sync run's).
    static let deliveryLockClass: Int32 = 1869768545

    final class SessionLease: DeliveryLease {
        /// The session holding the lock; nil once released (ending the session frees the lock).
        private let connection: Locked<PGConnection?>

        init(connection: PGConnection) { self.connection = Locked(connection) }

        /// One round trip: a session that answers still holds its lock.
        var isHeld: Bool {
            connection.withLock { connection in
                guard let session = connection else { return false }
                if (try? session.query("SELECT 1").rowCount) == 1 { return true }
                connection = nil
                return false
            }
        }

        func release() { connection.withLock { $0 = nil } }
    }
}
