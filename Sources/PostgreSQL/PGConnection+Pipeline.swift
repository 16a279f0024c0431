internal import CLibPQ

/// One statement of a pipeline: SQL and its bound parameters.
package struct PGStatement: Sendable {
    package let sql: String
    package let parameters: [PGValue]

    package init(_ sql: String, _ parameters: [PGValue] = []) {
        self.sql = sql
        self.parameters = parameters
    }
}

/// What became of one statement of a pipeline.
package enum PGPipelineResult {
    case succeeded(PGResult)
    case failed(PostgresError)
    /// Not run: an earlier statement of the pipeline failed (PGRES_PIPELINE_ABORTED).
    case aborted
}

/// libpq's pipeline mode (https://www.postgresql.org/docs/15/libpq-pipeline-mode.html): many
/// statements sent at once and one Sync after them, then every result read, in one round trip instead
/// of one per statement; for group commit.
extension PGConnection {
    /// Sends `statements` and one Sync, then reads a result for each, in order.
    ///
    /// The statements up to the Sync form one transaction even without BEGIN (an implicit one,
    /// committed at the Sync). After the first failure the server skips every later statement until
    /// the Sync (`.aborted`), and the transaction is rolled back: an implicit one at the Sync; an
    /// explicit one (BEGIN … COMMIT in the pipeline) stays open and failed, `transactionStatus`
    /// says `.inFailedTransaction`, and the caller must ROLLBACK (`rollbackQuietly()`).
    ///
    /// Throws only when the pipeline could not run to its Sync: a lost connection (then whether a
    /// COMMIT in it took effect is unknown) or a parameter refused before anything was sent.
    package func pipeline(_ statements: [PGStatement]) throws(PostgresError) -> [PGPipelineResult] {
        try checkIdle(sql: nil)
        var bound: [Parameters] = []
        for statement in statements { bound.append(try Parameters(statement.parameters, sql: statement.sql)) }
        guard PQenterPipelineMode(handle) == 1 else { throw connectionError(sql: nil) }

        for (statement, parameters) in zip(statements, bound) {
            let sent = try parameters.withValuePointers { values throws(PostgresError) in
                PQsendQueryParams(
                    handle, statement.sql, parameters.count, parameters.types, values, parameters.lengths,
                    parameters.formats, 0)
            }
            guard sent == 1 else { throw abandonPipeline(connectionError(sql: statement.sql), syncSent: false) }
        }
        guard PQpipelineSync(handle) == 1 else { throw abandonPipeline(connectionError(sql: nil), syncSent: false) }

        var results: [PGPipelineResult] = []
        results.reserveCapacity(statements.count)
        for statement in statements {
            guard let result = PQgetResult(handle) else {
                throw abandonPipeline(connectionError(sql: statement.sql), syncSent: true)
            }
            let status = PQresultStatus(result)
            switch status {
            case PGRES_PIPELINE_ABORTED:
                PQclear(result)
                results.append(.aborted)
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                results.append(.succeeded(PGResult(handle: result)))
            default:
                let error = self.error(from: result, sql: statement.sql)
                PQclear(result)
                guard isConnected else { throw abandonPipeline(error, syncSent: true) }
                results.append(.failed(error))
            }
            // Each statement's results end with a NULL (one statement gives one result here).
            while let extra = PQgetResult(handle) {
                PQclear(extra)
                guard isConnected else { throw abandonPipeline(connectionError(sql: statement.sql), syncSent: true) }
            }
        }
        guard let sync = PQgetResult(handle) else { throw abandonPipeline(connectionError(sql: nil), syncSent: true) }
        let syncStatus = PQresultStatus(sync)
        PQclear(sync)
        guard syncStatus == PGRES_PIPELINE_SYNC else {
            throw abandonPipeline(connectionError(sql: nil), syncSent: true)
        }
        guard PQexitPipelineMode(handle) == 1 else { throw connectionError(sql: nil) }
        return results
    }

    /// Leaves pipeline mode after a failure, reading up to the Sync while the connection lives, and
    /// returns `error` to throw.
    private func abandonPipeline(_ error: PostgresError, syncSent: Bool) -> PostgresError {
        if isConnected && (syncSent || PQpipelineSync(handle) == 1) {
            // A NULL ends each statement's results, so two in a row mean nothing is pending; a dead
            // connection ends the loop too.
            var nulls = 0
            while isConnected && nulls < 2 {
                guard let result = PQgetResult(handle) else {
                    nulls += 1
                    continue
                }
                nulls = 0
                let status = PQresultStatus(result)
                PQclear(result)
                if status == PGRES_PIPELINE_SYNC { break }
            }
        }
        _ = PQexitPipelineMode(handle)
        return error
    }
}
