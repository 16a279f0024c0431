import PostgreSQL
import TestSupport
import Testing

@Suite struct ClusterTests {
    @Test func databasesAreIndependent() throws {
        let cluster = try PostgresCluster.shared()
        let first = try PGConnection(conninfo: try cluster.makeDatabase())
        let second = try PGConnection(conninfo: try cluster.makeDatabase())
        #expect(first.target.description != second.target.description)
        try first.execute("CREATE TABLE only_here (i int); INSERT INTO only_here VALUES (1)")
        #expect(try first.query("SELECT count(*) FROM only_here").int64(0, 0) == 1)
        #expect(try second.query("SELECT to_regclass('only_here') IS NULL").bool(0, 0) == true)
    }

    @Test func sharedClusterIsOneServer() throws {
        #expect(try PostgresCluster.shared() === PostgresCluster.shared())
        let cluster = try PostgresCluster.shared()
        #expect(try cluster.psql("SELECT 1").trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }
}
