import FoundationEssentials
import HTTPServer
import Logging
import OrderAPI
import OrderCore
import ServiceSupport
import Webhooks

#if canImport(Glibc)
    import Glibc
#endif

/// The resolved configuration: flags, then environment, then defaults. Invalid values stop startup
/// with a message naming the variable.
struct Settings {
    /// HOST: the address the server binds; `0.0.0.0` every IPv4 interface (containers, Cloud Run).
    var host = BindAddress.everyIPv4Interface
    var port: UInt16 = 8080
    var dbPath = "data/ordersync.db"
    /// DATABASE_URL (or DATABASE_URL_FILE): a `postgres://` or `postgresql://` URL chooses the
    /// PostgreSQL engine (docs/postgresql.md); unset, the SQLite file at `dbPath`. A secret: it may
    /// hold the password, so it is never logged (the store logs a redacted target).
    var databaseURL: String?
    /// SQL_DIR: read the SQL files from this directory; nil uses the ones built into the executable.
    var sqlDirectory: String?
    var logLevel: Logger.Level = .info
    var jsonLogs = false
    var maxBodyBytes = 32 * 1024 * 1024
    /// MAX_CONNECTIONS_PER_CLIENT: open connections one client address may hold; 0 (the default): no cap.
    var maxConnectionsPerClient = 0
    /// WORKER_THREADS: threads that serve requests, at most (connections waiting for bytes hold none).
    var workerThreads = 256
    /// MAX_CONNECTIONS: open connections at most; nil (the default): the open-file limit less a reserve.
    var maxConnections: Int?
    /// REQUEST_MEMORY_MB: the budget for request bytes held in memory, in MiB; nil takes the default (a
    /// quarter of the cgroup's or the machine's memory, at most 512 MiB: `RequestMemoryBudget`).
    var requestMemoryMiB: Int?
    var authToken: String?
    /// SHOPIFY_WEBHOOK_SECRET, WOOCOMMERCE_WEBHOOK_SECRET (also `_FILE`), CDC_ORDERS_TABLE and
    /// CDC_COLUMN_MAP (docs/realtime.md §4).
    var events = EventSettings()
    /// The CRMs customer changes go out to (docs/customers.md §3, §10): HubSpot with
    /// HUBSPOT_ACCESS_TOKEN (or `_FILE`), Salesforce with SALESFORCE_CLIENT_ID and the rest.
    var crm = CRMSettings()
    /// SOURCE_PRIORITY: which source's version stands at equal event times (docs/contract.md §2).
    var sourcePriority = SourcePriority.standard
    /// `GOOGLE_CLOUD_PROJECT` (or `GCP_PROJECT`), for trace names in logs.
    var cloudProject: String?
    /// SYNC_DEADLINE_SECONDS: the sync worker's whole-run limit (the worker validates it; the server
    /// only needs it to bound its wait).
    var syncDeadlineSeconds = 150.0
    /// The environment the settings came from (passed on to the sync worker).
    var environment: [String: String]

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    init(
        options: CommonOptions, port: Int?, maxBodyBytes: Int?, listens: Bool = false, host: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        self.environment = environment
        func value(_ flag: String?, _ variable: String) -> String? {
            if let flag { return flag }
            if let text = environment[variable], !text.isEmpty { return text }
            return nil
        }
        if let text = port.map(String.init) ?? value(nil, "PORT") {
            guard let number = UInt16(text) else {
                throw Invalid(description: "PORT must be a port number from 0 to 65535, not \"\(text)\"")
            }
            self.port = number
        }
        // HOST is read only by the command that listens (`serve`): some shells (tcsh) export HOST as
        // the machine's name, which must not stop `migrate` or `query`.
        if listens, let text = value(host, "HOST") {
            guard let address = BindAddress(text) else {
                throw Invalid(
                    description:
                        "HOST must be a numeric IPv4 or IPv6 address such as 0.0.0.0, 127.0.0.1 or ::, not \"\(text)\"")
            }
            self.host = address
        }
        dbPath = value(options.dbPath, "DB_PATH") ?? dbPath
        do {
            databaseURL = try Secrets.value("DATABASE_URL", in: environment)
        } catch {
            throw Invalid(description: error.description)
        }
        if let url = databaseURL {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw Invalid(
                    description: "DATABASE_URL must be a postgres:// or postgresql:// URL (unset it to use the SQLite file at DB_PATH)")
            }
            if value(options.dbPath, "DB_PATH") != nil {
                throw Invalid(description: "set DB_PATH (SQLite) or DATABASE_URL (PostgreSQL), not both")
            }
        }
        sqlDirectory = value(options.sqlDirectory, "SQL_DIR")
        if let text = value(options.logLevel, "LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw Invalid(
                    description: "LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical")
            }
            logLevel = level
        }
        switch value(options.logFormat, "LOG_FORMAT")?.lowercased() {
        case nil: jsonLogs = isatty(STDERR_FILENO) == 0
        case "json": jsonLogs = true
        case "text": jsonLogs = false
        case let other?: throw Invalid(description: "LOG_FORMAT must be text or json, not \"\(other)\"")
        }
        if let text = maxBodyBytes.map(String.init) ?? value(nil, "MAX_BODY_BYTES") {
            guard let number = Int(text), number > 0 else {
                throw Invalid(description: "MAX_BODY_BYTES must be a positive integer")
            }
            self.maxBodyBytes = number
        }
        if let text = value(nil, "MAX_CONNECTIONS_PER_CLIENT") {
            guard let number = Int(text), number >= 0 else {
                throw Invalid(
                    description:
                        "MAX_CONNECTIONS_PER_CLIENT must be a non-negative integer (0: no cap), not \"\(text)\"")
            }
            maxConnectionsPerClient = number
        }
        if let text = value(nil, "WORKER_THREADS") {
            guard let number = Int(text), number >= 1, number <= 4_096 else {
                throw Invalid(description: "WORKER_THREADS must be a whole number from 1 to 4096, not \"\(text)\"")
            }
            workerThreads = number
        }
        if let text = value(nil, "MAX_CONNECTIONS") {
            guard let number = Int(text), number >= 1, number <= 1 << 20 else {
                throw Invalid(
                    description:
                        "MAX_CONNECTIONS must be a whole number from 1 to 1048576 (unset: the open-file limit), not \"\(text)\"")
            }
            maxConnections = number
        }
        if let text = value(nil, "REQUEST_MEMORY_MB") {
            guard let number = Int(text), number > 0, number <= 1 << 20 else {
                throw Invalid(description: "REQUEST_MEMORY_MB must be a whole number of MiB from 1 to 1048576, not \"\(text)\"")
            }
            requestMemoryMiB = number
        }
        do {
            authToken = try Secrets.value("AUTH_TOKEN", in: environment)
            events.shopifySecret = try Secrets.value("SHOPIFY_WEBHOOK_SECRET", in: environment).flatMap(WebhookSecret.init)
            events.wooCommerceSecret = try Secrets.value("WOOCOMMERCE_WEBHOOK_SECRET", in: environment)
                .flatMap(WebhookSecret.init)
            events.hubSpotSecrets = try Secrets.value("HUBSPOT_CLIENT_SECRET", in: environment)
                .flatMap(WebhookSecret.init).map { [$0] } ?? []
        } catch {
            throw Invalid(description: error.description)
        }
        do {
            sourcePriority = try SourcePriority.configured(environment)
        } catch {
            throw Invalid(description: error.message)
        }
        if value(nil, "CDC_ORDERS_TABLE") != nil || value(nil, "CDC_COLUMN_MAP") != nil {
            do {
                events.cdcMapping = try CDCOrderMapping(
                    table: value(nil, "CDC_ORDERS_TABLE") ?? "orders", columnMap: value(nil, "CDC_COLUMN_MAP") ?? "")
            } catch {
                throw Invalid(description: error.message)
            }
        }
        if let text = value(nil, "PUBLIC_URL") {
            guard let url = PublicBaseURL(text) else {
                throw Invalid(
                    description: "PUBLIC_URL must be the service's http(s) address as senders call it, e.g. https://orders.example.com, without query")
            }
            events.publicURL = url
        }
        do {
            crm = try CRMSettings(environment: environment)
        } catch {
            throw Invalid(description: error.description)
        }
        cloudProject = value(nil, "GOOGLE_CLOUD_PROJECT") ?? value(nil, "GCP_PROJECT")
        if let seconds = value(nil, "SYNC_DEADLINE_SECONDS").flatMap(Double.init), seconds > 0, seconds <= 3_600 {
            syncDeadlineSeconds = seconds
        }
    }
}
