import PostgreSQL
package import Storage

/// A PostgreSQL database as the target of `ordersync copy`: the schema applied first, then each chunk
/// one `COPY … FROM STDIN` in its own transaction. COPY writes identity columns as given
/// (https://www.postgresql.org/docs/15/sql-copy.html), so seq and run_id keep their values;
/// `finish` moves each identity past them.
package final class PostgresCopyTarget: CopyTarget {
    private let connection: PGConnection

    package init(url: String, sqlDirectory: String?) throws(PostgresStore.OpenError) {
        (connection, _) = try PostgresStore.connectApplyingSchema(url, sqlDirectory: sqlDirectory)
    }

    /// Where the database is, without the password.
    package var target: String { connection.target.description }

    package func lastKey(of table: CopiedTable) throws(StoreError) -> Int64 {
        guard let key = table.key else { return 0 }
        return try run { () throws(PostgresError) in
            try connection.query(
                "SELECT coalesce(max(\(PostgresSchema.quote(key))), 0) FROM \(PostgresSchema.quote(table.name))"
            ).int64(0, 0) ?? 0
        }
    }

    package func append(_ rows: [[String?]], to table: CopiedTable) throws(StoreError) {
        let name = PostgresSchema.quote(table.name)
        let columns = table.columns.map(PostgresSchema.quote).joined(separator: ", ")
        try run { () throws(PostgresError) in
            _ = try connection.query("BEGIN")
            do throws(PostgresError) {
                if table.key == nil { _ = try connection.query("DELETE FROM \(name)") }
                let copy = try connection.copyIn("COPY \(name) (\(columns)) FROM STDIN")
                var buffer: [UInt8] = []
                buffer.reserveCapacity(1 << 20)
                for row in rows {
                    try PGCopyText.appendRow(row, to: &buffer)
                    if buffer.count >= 1 << 20 {
                        try copy.put(buffer)
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
                try copy.put(buffer)
                try copy.end()
                _ = try connection.query("COMMIT")
                _ = try connection.query("SELECT nextval('ordersync_data_generation')")
            } catch {
                connection.rollbackQuietly()
                throw error
            }
        }
    }

    package func finish(_ table: CopiedTable) throws(StoreError) {
        guard let key = table.numbered else { return }
        try run { () throws(PostgresError) in
            _ = try connection.query(
                """
                SELECT setval(pg_get_serial_sequence($1, $2), max(\(PostgresSchema.quote(key))))
                FROM \(PostgresSchema.quote(table.name)) HAVING max(\(PostgresSchema.quote(key))) IS NOT NULL
                """, [.text(table.name), .text(key)])
            // The copied versions bypassed ordersync_ingest, which keeps the projections: they start
            // over, and the next `ordersync serve` backfills them (docs/postgresql.md, "Moving up").
            if table.name == "orders_raw" { try PostgresSchema.prepareProjections(connection, force: true) }
            // Statistics now, not when autovacuum gets to it: until the backfill completes, reads use
            // the from-scratch views, whose plans need them (a correlated min(seq) read without them
            // walks the whole primary key for every order).
            try connection.execute("ANALYZE \(PostgresSchema.quote(table.name))")
        }
    }

    package func rows(of table: CopiedTable, after: Int64, limit: Int) throws(StoreError) -> [[String?]] {
        // Columns as text, as SQLite's source gives them; ORDER BY names the table's column (t.), not
        // the text output column of the same name, which would sort "10" before "9".
        let columns = table.columns.map { column in
            let quoted = "t." + PostgresSchema.quote(column)
            // Hex whatever bytea_output says (CopiedTable.bytes).
            return table.bytes.contains(column) ? "'\\x' || encode(\(quoted), 'hex')" : quoted + "::text"
        }.joined(separator: ", ")
        var sql = "SELECT \(columns) FROM \(PostgresSchema.quote(table.name)) AS t"
        var parameters: [PGValue] = []
        if let key = table.key.map({ "t." + PostgresSchema.quote($0) }) {
            sql += " WHERE \(key) > $1 ORDER BY \(key) LIMIT $2"
            parameters = [.int64(after), .int64(Int64(limit))]
        } else {
            // Text keys in byte order, as SQLite compares them; the numbered column as a number.
            sql += " ORDER BY " + table.primaryKey.map {
                "t.\(PostgresSchema.quote($0))" + ($0 == table.numbered ? "" : " COLLATE \"C\"")
            }.joined(separator: ", ")
        }
        return try run { () throws(PostgresError) in
            let result = try connection.queryCached(sql, parameters)
            return (0..<result.rowCount).map { row in (0..<result.columnCount).map { result.string(row, $0) } }
        }
    }

    private func run<R>(_ body: () throws(PostgresError) -> R) throws(StoreError) -> R {
        do { return try body() } catch { throw StoreError(error) }
    }
}
