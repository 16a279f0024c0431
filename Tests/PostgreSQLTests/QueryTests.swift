import Foundation
import PostgreSQL
import TestSupport
import Testing

@Suite struct QueryTests {
    /// Values that would break SQL built by concatenation come back unchanged, and the table survives.
    @Test func parametersRoundTripUnchanged() throws {
        let connection = try freshConnection()
        try connection.execute("CREATE TABLE notes (id int8 PRIMARY KEY, body text)")
        let values: [String?] = [
            "O'Reilly", "'; DROP TABLE notes; --", "\"quoted\"", "back\\slash", "semi;colon", "$1", "żółć 🚀 日本",
            "", " ", "\t\n\r", "E'\\x00'", nil,
        ]
        for (index, value) in values.enumerated() {
            let inserted = try connection.query(
                "INSERT INTO notes (id, body) VALUES ($1, $2)", [.int64(Int64(index)), PGValue(value)])
            #expect(inserted.affectedRows == 1)
            #expect(try connection.query("SELECT $1::text", [PGValue(value)]).string(0, 0) == value)
        }
        let stored = try connection.query("SELECT id, body FROM notes ORDER BY id")
        #expect(stored.rowCount == values.count)
        for (index, value) in values.enumerated() {
            #expect(try stored.int64(index, 0) == Int64(index))
            #expect(stored.string(index, 1) == value)
            #expect(stored.isNull(index, 1) == (value == nil))
        }
    }

    @Test func typedParametersAndColumns() throws {
        let connection = try freshConnection()
        let bytes: [UInt8] = [0, 1, 2, 0x5C, 0xFF, 0]
        let result = try connection.query(
            "SELECT $1::int8 AS big, $2::float8 AS ratio, $3::bool AS flag, $4::bytea AS raw, $5::text AS nothing, "
                + "$6::float8 AS infinite, $7::float8 AS nan, $8::int8 AS negative",
            [.int64(.max), .double(0.1), .bool(true), .bytes(bytes), .null, .double(-.infinity), .double(.nan), -42])
        #expect(result.rowCount == 1)
        #expect(result.columnCount == 8)
        #expect(
            (0..<8).map(result.columnName) == ["big", "ratio", "flag", "raw", "nothing", "infinite", "nan", "negative"])
        #expect(result.columnIndex("flag") == 2)
        #expect(result.columnType(0) == 20)
        #expect(try result.int64(0, 0) == .max)
        #expect(try result.double(0, 1) == 0.1)
        #expect(try result.bool(0, 2) == true)
        #expect(try result.bytea(0, 3) == bytes)
        #expect(result.isNull(0, 4))
        #expect(try result.int64(0, 4) == nil)
        #expect(try result.double(0, 5) == -.infinity)
        #expect(try result.double(0, 6)?.isNaN == true)
        #expect(try result.int64(0, 7) == -42)
        // Reading a column as what it is not is an error naming the column, not a crash.
        let error = try #require(throws: PostgresError.self) { try result.int64(0, 1) }
        #expect(error.message.contains("ratio"))
    }

    @Test func withBytesBorrowsTheCell() throws {
        let connection = try freshConnection()
        let json = #"{"name":"Zoë","tags":["a\"b"]}"#
        let result = try connection.query("SELECT $1::text, NULL::text", [.text(json)])
        #expect(result.withBytes(0, 0) { $0.map(Array.init) } == Array(json.utf8))
        #expect(result.withBytes(0, 1) { $0 == nil })
    }

    @Test func nulByteInTextIsRefusedBeforeSending() throws {
        let connection = try freshConnection()
        let error = try #require(throws: PostgresError.self) {
            try connection.query("SELECT $1::text", ["before\u{0}after"])
        }
        #expect(error.kind == .invalidData)
        #expect(error.message.contains("$1"))
        #expect(error.message.contains("NUL"))
        // Bytes may hold NUL: bytea is sent in binary.
        #expect(try connection.query("SELECT length($1::bytea)", [.bytes([0, 0, 0])]).int64(0, 0) == 3)
        #expect(connection.isHealthy())
    }

    @Test func syntaxErrorCarriesSQLStateAndPosition() throws {
        let connection = try freshConnection()
        let error = try #require(throws: PostgresError.self) { try connection.query("SELECT 1 FROM WHERE") }
        #expect(error.sqlState == "42601")
        #expect(error.severity == "ERROR")
        #expect(error.message.contains("syntax error"))
        #expect(error.position == 15)
        #expect(error.kind == .other)
        #expect(error.sql == "SELECT 1 FROM WHERE")
        #expect(error.description.contains("42601"))
        #expect(error.description.contains("host=127.0.0.1"))
        // The connection goes on.
        #expect(try connection.query("SELECT 1").int64(0, 0) == 1)
    }

    @Test func uniqueViolationIsClassifiedAndKeepsTheValueOutOfTheDescription() throws {
        let connection = try freshConnection()
        try connection.execute("CREATE TABLE customers (email text PRIMARY KEY)")
        _ = try connection.query("INSERT INTO customers VALUES ($1)", ["jane@example.com"])
        let error = try #require(throws: PostgresError.self) {
            try connection.query("INSERT INTO customers VALUES ($1)", ["jane@example.com"])
        }
        #expect(error.kind == .uniqueViolation)
        #expect(error.sqlState == "23505")
        #expect(error.detail?.contains("already exists") == true)
        #expect(!error.description.contains("jane@example.com"))
    }

    @Test func statementTimeoutIsClassified() throws {
        let connection = try freshConnection()
        try connection.execute("SET statement_timeout = '100ms'")
        let error = try #require(throws: PostgresError.self) { try connection.query("SELECT pg_sleep(5)") }
        #expect(error.kind == .queryTimeout)
        #expect(error.sqlState == "57014")
        try connection.execute("SET statement_timeout = 0")
        #expect(try connection.query("SELECT 2").int64(0, 0) == 2)
    }

    /// A write where only reads are allowed, as on a replica after a fail-over.
    @Test func readOnlyTransactionIsClassified() throws {
        let connection = try freshConnection()
        try connection.execute("SET default_transaction_read_only = on")
        let error = try #require(throws: PostgresError.self) { try connection.execute("CREATE TABLE t (i int)") }
        #expect(error.kind == .readOnlyTransaction)
        #expect(error.sqlState == "25006")
    }

    /// Two transactions update the same row; the repeatable-read one that comes second must retry.
    @Test func serializationFailureIsClassified() throws {
        let url = try PostgresCluster.shared().makeDatabase()
        let first = try PGConnection(conninfo: url)
        let second = try PGConnection(conninfo: url)
        try first.execute("CREATE TABLE stock (id int PRIMARY KEY, count int); INSERT INTO stock VALUES (1, 10)")
        try first.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        _ = try first.query("SELECT count FROM stock WHERE id = 1")
        _ = try second.query("UPDATE stock SET count = count - 1 WHERE id = 1")
        let error = try #require(throws: PostgresError.self) {
            try first.query("UPDATE stock SET count = count - 2 WHERE id = 1")
        }
        #expect(error.kind == .serializationFailure)
        #expect(error.sqlState == "40001")
        #expect(first.transactionStatus == .inFailedTransaction)
        first.rollbackQuietly()
        #expect(first.transactionStatus == .idle)
    }

    /// Each class as the server reports it (RAISE … USING ERRCODE), and as `classify` maps it.
    @Test func sqlStatesMapToKinds() throws {
        let connection = try freshConnection()
        let expected: [(String, PostgresError.Kind)] = [
            ("40P01", .serializationFailure), ("57P01", .connectionUnavailable), ("57P02", .connectionUnavailable),
            ("57P03", .connectionUnavailable), ("08006", .connectionUnavailable), ("22P02", .invalidData),
            ("42P01", .other), ("57014", .queryTimeout), ("25006", .readOnlyTransaction),
        ]
        for (state, kind) in expected {
            let error = try #require(throws: PostgresError.self) {
                try connection.execute("DO $$ BEGIN RAISE EXCEPTION 'raised' USING ERRCODE = '\(state)'; END $$")
            }
            #expect(error.sqlState == state)
            #expect(error.kind == kind, "\(state)")
        }
        #expect(PostgresError.classify(sqlState: nil) == .other)
    }

    @Test func scriptRunsAsOneTransaction() throws {
        let connection = try freshConnection()
        try connection.execute("CREATE TABLE a (i int); INSERT INTO a VALUES (1), (2); CREATE INDEX ON a (i);")
        #expect(try connection.query("SELECT count(*) FROM a").int64(0, 0) == 2)
        let error = try #require(throws: PostgresError.self) {
            try connection.execute("CREATE TABLE b (i int); INSERT INTO missing VALUES (1)")
        }
        #expect(error.sqlState == "42P01")
        #expect(try connection.query("SELECT to_regclass('b') IS NULL").bool(0, 0) == true)
    }

    @Test func preparedStatementsAndTheCache() throws {
        let connection = try freshConnection()
        try connection.prepare("next", "SELECT $1::int8 + 1")
        try connection.prepare("next", "SELECT $1::int8 + 1")  // the same again: nothing to do
        #expect(try connection.executePrepared("next", [41]).int64(0, 0) == 42)
        for number in Int64(1)...3 {
            #expect(try connection.queryCached("SELECT $1::int8 * 2", [.int64(number)]).int64(0, 0) == number * 2)
        }
        let names = try connection.query("SELECT name FROM pg_prepared_statements ORDER BY name")
        #expect(rows(names) == [["next"], ["ordersync_1"]])
        let error = try #require(throws: PostgresError.self) { try connection.executePrepared("unknown") }
        #expect(error.message.contains("unknown"))
    }

    @Test func noticesGoToTheHandler() throws {
        let connection = try freshConnection()
        var notices: [String] = []
        connection.onNotice = { notices.append($0) }
        try connection.execute("DO $$ BEGIN RAISE NOTICE 'hello %', 42; END $$")
        try connection.execute("ROLLBACK")  // a warning: there is no transaction in progress
        #expect(notices.count == 2)
        #expect(notices.first == "NOTICE:  hello 42")
        #expect(notices.last?.contains("no transaction in progress") == true)
    }
}
