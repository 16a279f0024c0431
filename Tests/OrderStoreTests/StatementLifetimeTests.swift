import SQLite
import Testing

/// A statement may outlive its connection (a row cursor kept past its store): using it must fail with
/// SQLite's error, never trap on a dead reference (a CI run of a5ff1f6 aborted the whole test process
/// with "Attempted to read an unowned reference"; Sources/SQLite/Statement.swift).
@Suite struct StatementLifetimeTests {
    @Test func aStatementThatOutlivesItsConnectionStillReportsErrors() throws {
        var connection: Connection? = try Connection(path: ":memory:", mode: .readWrite)
        try connection!.execute("CREATE TABLE t (v INTEGER NOT NULL)")
        let insert = try connection!.prepare("INSERT INTO t (v) VALUES (?)")
        connection = nil  // sqlite3_close_v2: the database lives on as a zombie while `insert` does
        #expect(throws: SQLiteError.self) { _ = try insert.step() }  // NOT NULL fails, or the zombie refuses
    }
}
