import ArgumentParser
import CoreMetrics
import HTTPServer
import Logging
import CRMOutbox
import OrderAPI
import OrderCore
import OrderStore
import PostgresStore
import Storage
import ServiceSupport

/// `ordersync serve`: run the HTTP service until SIGTERM or SIGINT.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTP service (the default).")

    @OptionGroup var options: CommonOptions

    @Option(help: "TCP port (env PORT, default 8080; 0 picks a free port).")
    var port: Int?

    @Option(help: "Address to listen on: 0.0.0.0, 127.0.0.1, ::, … (env HOST, default 0.0.0.0).")
    var host: String?

    @Option(
        name: .customLong("max-body-bytes"),
        help: "Largest request body after decompression (env MAX_BODY_BYTES, default 32 MiB).")
    var maxBodyBytes: Int?

    func run() throws {
        let settings: Settings
        do {
            settings = try Settings(options: options, port: port, maxBodyBytes: maxBodyBytes, listens: true, host: host)
        } catch {
            throw Failure("configuration: \(error)")
        }
        let logger = Logging.make(settings)
        let signals = SignalWaiter()  // from here on, SIGTERM drains instead of killing
        Allocator.returnLargeBlocks()
        // One registry for the process: the service and the store record into it through its factory,
        // and so does any library that uses the global MetricsSystem (bootstrapped once, here).
        let metrics = MetricCatalog.makeRegistry()
        MetricsSystem.bootstrap(metrics.factory)
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.host = settings.host.text
        serverConfiguration.port = settings.port
        serverConfiguration.maxBodyBytes = settings.maxBodyBytes
        serverConfiguration.maxConnectionsPerClient = settings.maxConnectionsPerClient
        serverConfiguration.workerThreads = settings.workerThreads
        serverConfiguration.maxConnections = settings.maxConnections
        if let mebibytes = settings.requestMemoryMiB { serverConfiguration.requestMemoryBytes = mebibytes << 20 }
        // The port first: a port already taken stops the start before the database is opened, so it
        // never creates a file it would have to remove while another process may be using it.
        let listener: HTTPServer.Listener
        do {
            listener = try HTTPServer.bind(serverConfiguration)
        } catch {
            throw Failure("cannot listen on port \(settings.port) of \(settings.host): \(error)")
        }
        // A start that fails after this leaves no database it created (OrderStore removes its own).
        let store: any OrderDatabase
        let location: String  // the file, or the PostgreSQL target without its password
        var customers: (any CustomerStorage)?
        do {
            if let url = settings.databaseURL {
                let postgres = try PostgresStore(
                    url: url, sqlDirectory: settings.sqlDirectory, metricsFactory: metrics.factory,
                    sourcePriority: settings.sourcePriority)
                store = postgres
                location = postgres.target
                customers = PostgresCustomerStore(url: url)
            } else {
                let projectionLog = ProjectionLog(logger: logger)
                store = try OrderStore(
                    path: settings.dbPath, sqlDirectory: settings.sqlDirectory, metricsFactory: metrics.factory,
                    onProjections: projectionLog.record, sourcePriority: settings.sourcePriority)
                location = settings.dbPath
                customers = try CustomerStore(path: settings.dbPath)
            }
        } catch {
            listener.close()
            logger.critical("startup failed", metadata: ["error": .string("\(error)")])
            throw Failure("\(error)")
        }
        for migration in store.appliedMigrations {
            logger.info("applied migration", metadata: ["migration": .string(migration)])
        }
        if let progress = store.projections.progress, !progress.complete {
            logger.info(
                "projection backfill starting: reads use the from-scratch views until it completes",
                metadata: ["projected_orders": .stringConvertible(progress.orders)])
        }
        var apiConfiguration = APIConfiguration()
        apiConfiguration.authToken = settings.authToken
        apiConfiguration.events = settings.events
        apiConfiguration.maxBodyBytes = settings.maxBodyBytes
        apiConfiguration.traceProject = settings.cloudProject
        // One outbox worker per configured CRM (docs/customers.md §10), woken by each change queued.
        var outbox: OutboxWorkers?
        if let customers {
            outbox = OutboxWorkers.make(
                hubSpot: settings.crm.hubSpot, hubSpotLimiter: settings.crm.hubSpotLimiter,
                salesforce: settings.crm.salesforce, salesforceLimiter: settings.crm.salesforceLimiter,
                retry: settings.crm.retry, store: customers, metrics: metrics.factory, logger: logger)
        }
        let workers = outbox
        apiConfiguration.customers = CustomerSettings(
            store: customers, crms: settings.crm.names, onQueued: { workers?.wake() },
            hubSpotContacts: workers?.hubSpotContacts)
        let syncLauncher = SyncLauncher(
            workerPath: SyncLauncher.workerPath(environment: settings.environment), databasePath: settings.dbPath,
            sqlDirectory: settings.sqlDirectory, deadlineSeconds: settings.syncDeadlineSeconds)
        // The worker inherits DATABASE_URL with the environment and stores where the server does.
        apiConfiguration.syncRunner = syncLauncher
        let service = OrderService(store: store, configuration: apiConfiguration, logger: logger, metrics: metrics)
        let server: HTTPServer
        do {
            server = try HTTPServer(configuration: serverConfiguration, handler: service)
        } catch {
            listener.close()
            store.close()
            throw Failure("cannot start the server: \(error)")
        }
        let boundPort = server.start(on: listener)
        service.attach(server)
        outbox?.start()
        // The URL to open, with the port actually bound (PORT=0 picks one); `port` stays a field of its
        // own for tools that read it.
        let url = "http://\(settings.host.urlHost):\(boundPort)"
        logger.info(
            "listening on \(url)",
            metadata: [
                "url": .string(url), "port": .stringConvertible(boundPort), "db": .string(location),
                "engine": .string(store.engine),
                "request_memory_mb": .stringConvertible(serverConfiguration.requestMemoryBytes >> 20),
                "version": .string(ProductVersion.current),
                "views": .string(store.views.joined(separator: ",")),
            ])

        let signal = signals.waitForTermination()
        logger.info("draining", metadata: ["signal": .string(signal)])
        service.beginDraining()
        syncLauncher.terminateAll()
        let clean = server.drain()
        outbox?.stop()
        store.close()
        let stats = store.writerStatistics
        logger.info(
            "stopped",
            metadata: [
                "clean": .stringConvertible(clean), "commits": .stringConvertible(stats.commits),
                "inserted": .stringConvertible(stats.inserted),
            ])
        withExtendedLifetime(signals) {}
    }
}

/// A startup failure: printed as one line, exit status 1.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
