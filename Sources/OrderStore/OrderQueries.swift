package import Storage
package import SQLite
package import Storage

/// The read side of the order API: latest versions in pages, and one order's history.
/// Every function runs on a reader connection and holds its read transaction only while stepping.
package enum OrderQueries {
    /// What `GET /` reads (docs/projections.md).
    package enum LatestSource: Sendable, Equatable {
        /// The projection order_state, each row's version looked up by seq.
        case projection
        /// A view of latest_order_v's columns: its from-scratch twin while the backfill runs, or
        /// latest_order_v itself on a database without projections (a SQL directory without them).
        case view(String)

        /// The source for a store whose projections stand so.
        package static func `for`(_ projections: ProjectionStatus) -> LatestSource {
            guard let progress = projections.progress else { return .view("latest_order_v") }
            return progress.complete ? .projection : .view("latest_order_scratch_v")
        }
    }

    /// Reads up to `limit` rows of the latest view that match `filter`, in order_id order, calling `row`
    /// for each while the statement is open. Returns the number of rows read.
    package static func latest(
        _ connection: Connection, filter: LatestFilter, source: LatestSource, limit: Int, row: (Statement) throws -> Void
    ) throws -> Int {
        // The projection order_state (docs/projections.md) walked by its key, each row's version looked
        // up by seq; or a view with latest_order_v's columns.
        var sql: String
        switch source {
        case .projection:
            sql = """
                SELECT s.order_id, o.order_date, o.order_status, o.order_details, o.updated_at, o.ingested_at, s.versions
                FROM order_state AS s JOIN orders_raw AS o ON o.seq = s.latest_seq WHERE s.order_id > ?1
                """
            // ASCII case-insensitive, as docs/contract.md §3 (`GET /`) promises. order_state.status is the
            // status lower-cased by lower(), which folds ASCII only, exactly as NOCASE does.
            if filter.status != nil { sql += " AND s.status = lower(?2)" }
            if filter.ingestedSince != nil { sql += " AND o.ingested_at >= ?3" }
            sql += " ORDER BY s.order_id LIMIT ?4"
        case .view(let name):
            sql = """
                SELECT order_id, order_date, order_status, order_details, updated_at, ingested_at, versions
                FROM \(SchemaLoader.quoteIdentifier(name)) WHERE order_id > ?1
                """
            if filter.status != nil { sql += " AND order_status = ?2 COLLATE NOCASE" }
            if filter.ingestedSince != nil { sql += " AND ingested_at >= ?3" }
            sql += " ORDER BY order_id LIMIT ?4"
        }
        let statement = try connection.cached(sql)
        defer { statement.reset() }
        // Every order_id sorts after the empty string... except the empty string, which validation refuses.
        try statement.bind(1, filter.after ?? "")
        if let status = filter.status { try statement.bind(2, status) }
        if let since = filter.ingestedSince { try statement.bind(3, since) }
        try statement.bind(4, Int64(limit))
        var count = 0
        while try statement.step() {
            try row(statement)
            count += 1
        }
        return count
    }

    /// The history of `orderID`, bounded to its newest `limit` versions (an order can have any number).
    package static func history(_ connection: Connection, orderID: String, limit: Int = 1_000) throws -> OrderHistory {
        let newest = try versions(connection, where: "order_id = ? ORDER BY seq DESC LIMIT ?", orderID, limit: limit)
        guard !newest.isEmpty else { return OrderHistory(latest: nil, total: 0, versions: []) }
        let count = try connection.cached("SELECT count(*) FROM orders_raw WHERE order_id = ?")
        defer { count.reset() }
        try count.bind(1, orderID)
        let total = try count.step() ? Int(count.int64(0)) : newest.count
        // docs/contract.md §2: the greatest updated_at among versions that carry one, else the greatest seq.
        let latest =
            try versions(
                connection, where: "order_id = ? AND updated_at IS NOT NULL ORDER BY updated_at DESC, seq DESC LIMIT ?",
                orderID, limit: 1
            ).first
            ?? versions(connection, where: "order_id = ? ORDER BY seq DESC LIMIT ?", orderID, limit: 1).first
        return OrderHistory(latest: latest, total: total, versions: newest.reversed())
    }

    private static func versions(_ connection: Connection, where clause: String, _ orderID: String, limit: Int) throws
        -> [OrderVersion]
    {
        let statement = try connection.cached(
            """
            SELECT seq, order_date, order_status, order_details, updated_at, ingested_at, source, payload
            FROM orders_raw WHERE \(clause)
            """)
        defer { statement.reset() }
        try statement.bind(1, orderID)
        try statement.bind(2, Int64(limit))
        var versions: [OrderVersion] = []
        while try statement.step() {
            versions.append(
                OrderVersion(
                    seq: statement.int64(0), orderDate: statement.string(1) ?? "", status: statement.string(2) ?? "",
                    details: statement.string(3), updatedAt: statement.string(4), ingestedAt: statement.string(5) ?? "",
                    source: statement.string(6) ?? "", payload: statement.string(7) ?? "null"))
        }
        return versions
    }
}
