import PostgreSQL
import TestSupport
import Testing

/// The server stops under a connection. These start a private cluster (restarting the shared one
/// would break the other tests running in parallel), with fsync on so a crash keeps what was committed.
@Suite struct FaultTests {
    @Test func restartBreaksTheConnectionAndResetRecovers() throws {
        let cluster = try PostgresCluster.start(fsync: true)
        defer { cluster.remove() }
        let url = try cluster.makeDatabase()
        let connection = try PGConnection(conninfo: url)
        try connection.execute("CREATE TABLE acknowledged (id int PRIMARY KEY)")
        try connection.prepare("count", "SELECT count(*) FROM acknowledged")

        for (round, mode) in [PostgresCluster.StopMode.fast, .immediate].enumerated() {
            _ = try connection.query("INSERT INTO acknowledged VALUES ($1)", [.int64(Int64(round))])
            try cluster.restart(mode: mode)

            // libpq has not noticed yet; the next statement finds out.
            let error = try #require(throws: PostgresError.self) { try connection.executePrepared("count") }
            #expect(error.kind == .connectionUnavailable, "\(mode): \(error)")
            #expect(!connection.isConnected)
            #expect(!connection.isHealthy())

            try connection.reset()
            #expect(connection.isHealthy())
            // The new session has no prepared statements: prepared again on use. What was committed
            // before the stop, even an immediate one (a crash), is there.
            #expect(try connection.executePrepared("count").int64(0, 0) == Int64(round + 1))
            #expect(try connection.queryCached("SELECT max(id) FROM acknowledged").int64(0, 0) == Int64(round))
        }
    }

    @Test func resetFailsCleanlyWhileTheServerIsDown() throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.remove() }
        let connection = try PGConnection(conninfo: try cluster.makeDatabase())
        try cluster.stop(mode: .immediate)
        let error = try #require(throws: PostgresError.self) { try connection.reset() }
        #expect(error.kind == .connectionUnavailable)
        #expect(error.description.contains("port=\(cluster.port)"))
        let query = try #require(throws: PostgresError.self) { try connection.query("SELECT 1") }
        #expect(query.kind == .connectionUnavailable)
        try cluster.restart()
        try connection.reset()
        #expect(try connection.pipeline([PGStatement("SELECT 1")]).count == 1)
    }
}
