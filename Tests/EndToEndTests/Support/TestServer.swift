import Foundation
import HTTPServer
import Logging
import OrderCore
import SQLite
import OrderAPI
import OrderStore
import PostgreSQL
import PostgresStore
import Storage
import Telemetry

/// The engine the in-process servers run on: SQLite, or PostgreSQL when ORDERSYNC_TEST_ENGINE is
/// `postgresql` (`.ci/run` runs the end-to-end suite both ways; docs/postgresql.md).
enum TestEngine {
    static let isPostgres = ProcessInfo.processInfo.environment["ORDERSYNC_TEST_ENGINE"] == "postgresql"
    static let isSQLite = !isPostgres
}

/// The real server, in-process, on an ephemeral port, over a temporary database (a fresh PostgreSQL
/// database of TestSupport's cluster when TestEngine says so).
final class TestServer {
    let directory = TemporaryDirectory()
    let store: any OrderDatabase
    /// The PostgreSQL database, when the server runs on one.
    let databaseURL: String?
    /// This server's own registry: several servers run in one test process, each counting apart.
    let metrics = MetricCatalog.makeRegistry()
    let service: OrderService
    let server: HTTPServer
    let port: UInt16
    private var stopped = false

    var dbPath: String { directory.file("orders.db") }

    init(
        configure: (inout ServerConfiguration) -> Void = { _ in }, api: (inout APIConfiguration) -> Void = { _ in },
        sqlDirectory: String = Repository.sqlDirectory, sourcePriority: SourcePriority = .standard,
        crms: [String]? = nil
    ) throws {
        if TestEngine.isPostgres {
            let url = try PostgresCluster.shared().makeDatabase()
            databaseURL = url
            store = try PostgresStore(
                url: url, sqlDirectory: sqlDirectory, metricsFactory: metrics.factory, sourcePriority: sourcePriority)
        } else {
            databaseURL = nil
            store = try OrderStore(
                path: directory.file("orders.db"), sqlDirectory: sqlDirectory, metricsFactory: metrics.factory,
                sourcePriority: sourcePriority)
        }
        var apiConfiguration = APIConfiguration()
        if let crms {
            apiConfiguration.customers = CustomerSettings(
                store: try TestServer.customerStore(directory.file("orders.db"), databaseURL), crms: crms)
        }
        api(&apiConfiguration)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        service = OrderService(store: store, configuration: apiConfiguration, logger: logger, metrics: metrics)
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configure(&configuration)
        server = try HTTPServer(configuration: configuration, handler: service)
        port = try server.start()
        service.attach(server)
    }

    /// The customer store beside `store`, on the same database.
    static func customerStore(_ dbPath: String, _ databaseURL: String?) throws -> any CustomerStorage {
        if let databaseURL { return PostgresCustomerStore(url: databaseURL) }
        return try CustomerStore(path: dbPath)
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        service.beginDraining()
        server.drain()
        store.close()
    }

    deinit { stop() }

    var baseURL: URL {
        guard let url = URL(string: "http://127.0.0.1:\(port)") else {
            preconditionFailure("a loopback URL always parses")
        }
        return url
    }

    /// The environment that points the command-line tools (`ordersync query`, `export`) at this
    /// server's database.
    var toolEnvironment: [String: String] {
        databaseURL.map { ["DATABASE_URL": $0] } ?? ["DB_PATH": dbPath]
    }

    /// Rows in orders_raw, read straight from the database.
    func rowCount() throws -> Int {
        Int(try rows("SELECT count(*) FROM orders_raw").first?.first??.description ?? "") ?? -1
    }

    /// The rows of `sql` as text (NULL as nil), read straight from the database, whichever engine.
    func rows(_ sql: String) throws -> [[String?]] {
        if let databaseURL {
            let result = try PGConnection(conninfo: databaseURL).query(sql)
            return (0..<result.rowCount).map { row in (0..<result.columnCount).map { result.string(row, $0) } }
        }
        let statement = try Connection(path: dbPath, mode: .readOnly).prepare(sql)
        var rows: [[String?]] = []
        while try statement.step() { rows.append((0..<statement.columnCount).map { statement.string($0) }) }
        return rows
    }
}
