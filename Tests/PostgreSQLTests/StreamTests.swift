import PostgreSQL
import TestSupport
import Testing

@Suite struct StreamTests {
    /// 200,000 rows arrive one result per row, in order, and the count is right.
    @Test func streamsRowsOneAtATime() throws {
        let connection = try freshConnection()
        let stream = try connection.stream(
            "SELECT g, repeat('x', 100) AS padding FROM (SELECT generate_series(1, $1::int) AS g) AS s", [200_000])
        var count: Int64 = 0
        while let row = try stream.next() {
            #expect(row.rowCount == 1)
            count += 1
            if try row.int64(0, 0) != count { Issue.record("row \(count) out of order"); break }
        }
        #expect(count == 200_000)
        #expect(stream.isFinished)
        #expect(try connection.stream("SELECT 1 WHERE false").next() == nil)
        #expect(try connection.query("SELECT 3").int64(0, 0) == 3)
    }

    /// A huge query read a little, then closed: the server cancels it and the connection goes on.
    @Test func abandonedStreamLeavesTheConnectionUsable() throws {
        let connection = try freshConnection()
        let stream = try connection.stream("SELECT generate_series(1, 100000000)")
        for _ in 0..<1_000 { _ = try stream.next() }
        // Nothing else may run while the stream holds the connection.
        let busy = try #require(throws: PostgresError.self) { try connection.query("SELECT 1") }
        #expect(busy.message.contains("busy"))
        stream.close()
        #expect(stream.isFinished)
        #expect(try stream.next() == nil)
        #expect(try connection.query("SELECT 4").int64(0, 0) == 4)
        #expect(connection.transactionStatus == .idle)
    }

    @Test func releasedStreamClosesItself() throws {
        let connection = try freshConnection()
        do {
            let stream = try connection.stream("SELECT generate_series(1, 100000000)")
            _ = try stream.next()
        }
        #expect(try connection.query("SELECT 5").int64(0, 0) == 5)
    }

    /// A reset while a stream is open: the stream fails on its next read and leaves the new session
    /// alone; a COPY begun before the reset likewise.
    @Test func resetOrphansOpenStreamsAndCopies() throws {
        let connection = try freshConnection()
        try connection.execute("CREATE TABLE numbers (n int)")
        let stream = try connection.stream("SELECT generate_series(1, 100000000)")
        _ = try stream.next()
        try connection.reset()
        let error = try #require(throws: PostgresError.self) { try stream.next() }
        #expect(error.message.contains("reset"))
        stream.close()
        let copy = try connection.copyIn("COPY numbers FROM STDIN")
        try copy.put("1\n")
        try connection.reset()
        #expect(throws: PostgresError.self) { try copy.end() }
        copy.abort("too late")
        #expect(try connection.query("SELECT count(*) FROM numbers").int64(0, 0) == 0)
        #expect(connection.isHealthy())
    }

    /// An error half-way: the rows before it arrive, then the error, then the connection is free.
    @Test func errorMidStreamEndsIt() throws {
        let connection = try freshConnection()
        let stream = try connection.stream("SELECT 1 / (1000 - g) FROM (SELECT generate_series(1, 2000) AS g) AS s")
        var count = 0
        let error = try #require(throws: PostgresError.self) {
            while try stream.next() != nil { count += 1 }
        }
        #expect(count == 999)
        #expect(error.sqlState == "22012")
        #expect(stream.isFinished)
        #expect(try connection.query("SELECT 6").int64(0, 0) == 6)
    }
}
