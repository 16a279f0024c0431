import PostgreSQL
import TestSupport
import Testing

@Suite struct PipelineTests {
    private func insert(_ id: Int64) -> PGStatement {
        PGStatement("INSERT INTO items (id, note) VALUES ($1, $2)", [.int64(id), .text("note \(id)")])
    }

    private func makeTable(_ connection: PGConnection) throws {
        try connection.execute("CREATE TABLE items (id int8 PRIMARY KEY, note text)")
    }

    /// 100 inserts and one Sync: every one succeeds and the implicit transaction commits at the Sync.
    @Test func hundredInsertsInOneSync() throws {
        let connection = try freshConnection()
        try makeTable(connection)
        let results = try connection.pipeline((1...100).map(insert))
        #expect(results.count == 100)
        for result in results {
            guard case .succeeded(let inserted) = result else {
                Issue.record("\(result)")
                continue
            }
            #expect(inserted.affectedRows == 1)
        }
        #expect(connection.transactionStatus == .idle)
        let other = try PGConnection(conninfo: try PostgresCluster.shared().url(database: currentDatabase(connection)))
        #expect(try other.query("SELECT count(*), sum(id) FROM items").int64(0, 1) == 5050)
    }

    /// Statement 5 of 10 fails: 1–4 succeeded, 5 failed (which and why), 6–10 aborted, and nothing
    /// stays: the implicit transaction rolled back.
    @Test func failureInTheMiddleAbortsTheRest() throws {
        let connection = try freshConnection()
        try makeTable(connection)
        _ = try connection.query("INSERT INTO items VALUES (5, 'already here')")
        let results = try connection.pipeline((1...10).map(insert) + [PGStatement("SELECT count(*) FROM items")])
        #expect(results.count == 11)
        for (index, result) in results.enumerated() {
            switch (index, result) {
            case (0..<4, .succeeded): break
            case (4, .failed(let error)): #expect(error.kind == .uniqueViolation)
            case (5..., .aborted): break
            default: Issue.record("statement \(index + 1): \(result)")
            }
        }
        #expect(connection.transactionStatus == .idle)
        #expect(try connection.query("SELECT count(*) FROM items").int64(0, 0) == 1)
    }

    /// With an explicit BEGIN … COMMIT in the pipeline, the failed transaction stays open after the
    /// Sync (libpq docs, pipeline mode) and only a ROLLBACK ends it.
    @Test func explicitTransactionStaysFailedUntilRollback() throws {
        let connection = try freshConnection()
        try makeTable(connection)
        _ = try connection.query("INSERT INTO items VALUES (3, 'already here')")
        let statements = [PGStatement("BEGIN")] + (1...5).map(insert) + [PGStatement("COMMIT")]
        let results = try connection.pipeline(statements)
        guard case .succeeded = results[0], case .succeeded = results[2], case .failed(let error) = results[3],
            case .aborted = results[4], case .aborted = results[6]
        else {
            Issue.record("\(results)")
            return
        }
        #expect(error.sqlState == "23505")
        #expect(connection.transactionStatus == .inFailedTransaction)
        connection.rollbackQuietly()
        #expect(connection.transactionStatus == .idle)
        #expect(try connection.query("SELECT count(*) FROM items").int64(0, 0) == 1)
        // The connection goes on, in and out of pipeline mode.
        #expect(try connection.pipeline([insert(10)]).count == 1)
        #expect(try connection.query("SELECT count(*) FROM items").int64(0, 0) == 2)
    }

    @Test func refusedParameterSendsNothing() throws {
        let connection = try freshConnection()
        try makeTable(connection)
        #expect(throws: PostgresError.self) {
            try connection.pipeline([insert(1), PGStatement("SELECT $1::text", ["a\u{0}b"])])
        }
        #expect(try connection.query("SELECT count(*) FROM items").int64(0, 0) == 0)
        #expect(try connection.pipeline([]).isEmpty)
    }

    private func currentDatabase(_ connection: PGConnection) throws -> String {
        try #require(try connection.query("SELECT current_database()").string(0, 0))
    }
}
