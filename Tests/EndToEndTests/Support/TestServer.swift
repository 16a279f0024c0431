import Foundation
import HTTPServer
import Logging
import OrderAPI
import OrderStore
import Storage
import Telemetry

/// The real server, in-process, on an ephemeral port, over a temporary database.
final class TestServer {
    let directory = TemporaryDirectory()
    let store: OrderStore
    /// This server's own registry: several servers run in one test process, each counting apart.
    let metrics = MetricCatalog.makeRegistry()
    let service: OrderService
    let server: HTTPServer
    let port: UInt16
    private var stopped = false

    var dbPath: String { directory.file("orders.db") }

    init(
        configure: (inout ServerConfiguration) -> Void = { _ in }, api: (inout APIConfiguration) -> Void = { _ in },
        sqlDirectory: String = Repository.sqlDirectory
    ) throws {
        store = try OrderStore(
            path: directory.file("orders.db"), sqlDirectory: sqlDirectory, metricsFactory: metrics.factory)
        var apiConfiguration = APIConfiguration()
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

    /// Rows in orders_raw, read straight from the file.
    func rowCount() throws -> Int {
        try store.readers.withReader { try Int($0.scalarInt("SELECT count(*) FROM orders_raw") ?? -1) }
    }
}
