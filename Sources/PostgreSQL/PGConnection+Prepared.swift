internal import CLibPQ

/// Named server-side statements (PQprepare, PQexecPrepared). They live as long as the session, so
/// a reset or reconnect loses them (https://www.postgresql.org/docs/15/sql-prepare.html); this
/// connection remembers each one's SQL and prepares it again on its next use.
extension PGConnection {
    /// Prepares `sql` as `name`. Preparing the same name with the same SQL again costs nothing.
    package func prepare(_ name: String, _ sql: String) throws(PostgresError) {
        try checkIdle(sql: sql)
        if statements.sql(named: name) == sql && statements.isOnServer(name) { return }
        try prepareOnServer(name, sql)
        statements.register(name, sql: sql)
    }

    /// Runs the statement prepared as `name`, preparing it again first when the session lost it.
    package func executePrepared(_ name: String, _ parameters: [PGValue] = []) throws(PostgresError) -> PGResult {
        guard let sql = statements.sql(named: name) else {
            throw PostgresError(
                kind: .other, message: "no statement was prepared as \"\(name)\"", target: target.description)
        }
        try checkIdle(sql: sql)
        let bound = try Parameters(parameters, sql: sql)
        if !statements.isOnServer(name) { try prepareOnServer(name, sql) }
        let result = try bound.withValuePointers { values throws(PostgresError) in
            PQexecPrepared(handle, name, bound.count, values, bound.lengths, bound.formats, 0)
        }
        return try check(result, sql: sql)
    }

    /// Runs `sql` as a statement prepared once per session, under a name this connection picks: the
    /// per-connection statement cache, keyed by the SQL text.
    package func queryCached(_ sql: String, _ parameters: [PGValue] = []) throws(PostgresError) -> PGResult {
        let name = statements.name(for: sql)
        return try executePrepared(name, parameters)
    }

    private func prepareOnServer(_ name: String, _ sql: String) throws(PostgresError) {
        // No parameter types: the server infers each from its context, as for PQexecParams with OID 0.
        _ = try check(PQprepare(handle, name, sql, 0, nil), sql: sql)
        statements.markOnServer(name)
    }
}

/// The statements a connection prepared: name to SQL (kept across reconnects), the cache's SQL to
/// name, and which names the current session has.
struct PreparedStatements {
    private var sqlByName: [String: String] = [:]
    private var nameBySQL: [String: String] = [:]
    private var onServer: Set<String> = []

    func sql(named name: String) -> String? { sqlByName[name] }

    func isOnServer(_ name: String) -> Bool { onServer.contains(name) }

    mutating func register(_ name: String, sql: String) { sqlByName[name] = sql }

    mutating func markOnServer(_ name: String) { onServer.insert(name) }

    /// The cache's name for `sql`, registered on first use ("ordersync_1", "ordersync_2", ...).
    mutating func name(for sql: String) -> String {
        if let name = nameBySQL[sql] { return name }
        var number = nameBySQL.count + 1
        while sqlByName["ordersync_\(number)"] != nil { number += 1 }
        let name = "ordersync_\(number)"
        nameBySQL[sql] = name
        sqlByName[name] = sql
        return name
    }

    /// After a reset: the new session has none of them.
    mutating func serverForgotAll() { onServer.removeAll() }
}
