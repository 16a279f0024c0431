import HTTPServer
import Logging
import OrderAPI
import OrderStore
import Storage
import Testing

/// Who keeps whom alive: objects that reference each other must not form a cycle.
@Suite struct OwnershipTests {
    /// Found by LeakSanitizer (.ci/sanitizers): the server holds the service as its handler and the
    /// service held the server (for /metrics), so neither was ever freed, nor the store behind them.
    @Test func serverAndServiceAreFreedWhenTheirOwnerLetsGo() throws {
        let directory = TemporaryDirectory()
        weak var weakServer: HTTPServer?
        weak var weakService: OrderService?
        do {
            let store = try OrderStore(path: directory.file("orders.db"), sqlDirectory: Repository.sqlDirectory)
            defer { store.close() }
            let service = OrderService(
                store: store, configuration: APIConfiguration(), logger: Logger(label: "test"),
                metrics: MetricCatalog.makeRegistry())
            let server = try HTTPServer(configuration: ServerConfiguration(), handler: service)
            service.attach(server)
            weakServer = server
            weakService = service
        }
        #expect(weakServer == nil)
        #expect(weakService == nil)
    }
}
