import ArgumentParser
import Connectors
import Foundation
import Logging
import OrderCore
import OrderStore
import PostgresStore
import ServiceSupport
import Storage
import SyncCore
import Threads

#if canImport(Glibc)
    import Glibc
#endif

/// `ordersync-sync`: one sync run, in a process of its own. The server spawns it for `/sync` (and
/// `ordersync sync` runs it), so URLSession, libcurl and Foundation never load into the server: its
/// memory stays small, and whatever a provider sends cannot crash it. Prints the run's JSON summary
/// on stdout; the exit status says how it ended (`SyncExit`).
@main
struct SyncWorker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ordersync-sync",
        abstract:
            "Run the sync connectors once (Shopify orders, Zoho CRM contacts, generic customers, WooCommerce orders).")

    @Option(name: .customLong("db-path"), help: "SQLite database file (env DB_PATH, default data/ordersync.db).")
    var dbPath: String?

    @Option(
        name: .customLong("sql-dir"),
        help: "Read tables/ and views/ SQL files from this folder (env SQL_DIR; default: the built-in sql/).")
    var sqlDirectory: String?

    @Option(help: "What started the run: cli, http or scheduler.")
    var trigger = "cli"

    @Option(name: .customLong("schedule-time"), help: "X-CloudScheduler-ScheduleTime of the scheduler's attempt.")
    var scheduleTime: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let logger = SyncWorker.logger(environment)
        let dbPath = dbPath ?? environment["DB_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? "data/ordersync.db"
        let sqlDirectory = sqlDirectory ?? environment["SQL_DIR"].flatMap { $0.isEmpty ? nil : $0 }

        let configuration: SyncConfiguration
        do {
            configuration = try SyncConfiguration(environment: environment)
        } catch {
            throw SyncWorker.stop(.cannotStart, "configuration: \(error.description)", logger)
        }
        let priority: SourcePriority
        do {
            priority = try SourcePriority.configured(environment)
        } catch {
            throw SyncWorker.stop(.cannotStart, "configuration: \(error.message)", logger)
        }
        let store: any SyncStorage
        // Held for the whole run: a second run anywhere is refused while this one lives.
        var heldLock: SyncLock?
        defer { withExtendedLifetime(heldLock) {} }
        let databaseURL: String?
        do {
            databaseURL = try Secrets.value("DATABASE_URL", in: environment)
        } catch {
            throw SyncWorker.stop(.cannotStart, "configuration: \(error.description)", logger)
        }
        if let databaseURL {
            // PostgreSQL (docs/postgresql.md): one run at a time across every instance, by an advisory lock.
            let postgres: PostgresSyncStore
            do {
                postgres = try PostgresSyncStore(url: databaseURL, sqlDirectory: sqlDirectory, sourcePriority: priority)
            } catch {
                throw SyncWorker.stop(.cannotStart, error.description, logger)
            }
            let holder: String?
            do {
                holder = try postgres.claimRun()
            } catch {
                throw SyncWorker.stop(.cannotStart, "cannot take the sync lock: \(error)", logger)
            }
            if let holder {
                SyncWorker.printLine("{\"running\":\(holder)}")
                throw ExitCode(SyncExit.busy.rawValue)
            }
            store = postgres
        } else {
            let lock: SyncLock
            do {
                lock = try SyncLock(path: dbPath + ".sync-lock")
            } catch .held(let holder) {
                SyncWorker.printLine("{\"running\":\(holder.hasPrefix("{") ? holder : "null")}")
                throw ExitCode(SyncExit.busy.rawValue)
            } catch .unavailable(let reason) {
                throw SyncWorker.stop(.cannotStart, reason, logger)
            }
            heldLock = lock
            do {
                store = try SyncStore(path: dbPath, sqlDirectory: sqlDirectory, sourcePriority: priority)
            } catch {
                throw SyncWorker.stop(.cannotStart, error.description, logger)
            }
        }
        if let scheduleTime, let earlier = try? store.succeededSummary(scheduleTime: scheduleTime) {
            // A retried scheduler attempt for a slot that already synced: answer as before.
            logger.info("sync already done for this schedule time", metadata: ["schedule_time": .string(scheduleTime)])
            SyncWorker.printLine(earlier)
            return
        }
        var summary = SyncSummary()
        summary.trigger = trigger
        summary.startedAt = Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText
        do {
            summary.runID = try store.beginRun(trigger: trigger, scheduleTime: scheduleTime)
        } catch {
            throw SyncWorker.stop(.unavailable, "cannot record the run: \(error)", logger)
        }
        heldLock?.describe("{\"run_id\":\(summary.runID),\"started_at\":\"\(summary.startedAt)\"}")
        logger.info(
            "sync started", metadata: ["run_id": .stringConvertible(summary.runID), "trigger": .string(trigger)])

        let transport = URLSessionTransport()
        defer { transport.close() }
        let deadline = Threads.monotonicSeconds() + configuration.deadlineSeconds
        let engine = SyncEngine(
            store: store, connectors: SyncWorker.connectors(configuration, transport: transport, deadline: deadline),
            skipped: configuration.skipped, logger: logger)
        summary = await engine.run(summary)
        let json = String(decoding: summary.json(), as: UTF8.self)
        do {
            try store.finishRun(summary.runID, succeeded: summary.succeeded, summary: json)
        } catch {
            summary.errors.append(
                SyncFailure(
                    .storage, connector: "database", path: "sync_runs", status: nil, attempts: 1, message: "\(error)"))
        }
        SyncWorker.printLine(String(decoding: summary.json(), as: UTF8.self))
        logger.info(
            "sync finished",
            metadata: [
                "run_id": .stringConvertible(summary.runID),
                "status": .string(summary.succeeded ? "succeeded" : "failed"),
                "seconds": .string(SyncSummary.decimal(summary.durationSeconds)),
                "errors": .stringConvertible(summary.errors.count),
            ])
        guard summary.succeeded else { throw ExitCode(SyncWorker.exitStatus(summary).rawValue) }
    }

    static func connectors(_ configuration: SyncConfiguration, transport: URLSessionTransport, deadline: Double)
        -> [any Connector]
    {
        func client(_ name: String) -> ProviderClient {
            ProviderClient(transport: transport, connector: name, policy: configuration.policy, deadline: deadline)
        }
        var connectors: [any Connector] = []
        if let shopify = configuration.shopify {
            connectors.append(
                ShopifyConnector(
                    shopURL: shopify.shopURL, apiVersion: shopify.apiVersion, token: shopify.token,
                    client: client("shopify")))
        }
        if let zoho = configuration.zoho {
            let tokens = ZohoTokens(
                accountsURL: zoho.accountsURL, clientID: zoho.clientID, clientSecret: zoho.clientSecret,
                refreshToken: zoho.refreshToken, client: client("zoho"))
            connectors.append(ZohoConnector(apiURL: zoho.apiURL, tokens: tokens, client: client("zoho")))
        }
        if let customers = configuration.customers {
            connectors.append(
                CustomersConnector(url: customers.url, apiKey: customers.apiKey, client: client("customers")))
        }
        if let woo = configuration.wooCommerce {
            connectors.append(
                WooCommerceConnector(
                    url: woo.url, consumerKey: woo.consumerKey, consumerSecret: woo.consumerSecret,
                    client: client("woocommerce")))
        }
        return connectors
    }

    /// 503 when only the deadline or the database failed (try again later), else 502 (a provider failed).
    static func exitStatus(_ summary: SyncSummary) -> SyncExit {
        let local = summary.errors.allSatisfy { [.deadline, .storage].contains($0.kind) }
        return local ? .unavailable : .providerFailed
    }

    static func logger(_ environment: [String: String]) -> Logger {
        let format = environment["LOG_FORMAT"]?.lowercased()
        let json = format == "json" || (format != "text" && isatty(STDERR_FILENO) == 0)
        let level = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        return ProcessLogger.make(label: "ordersync-sync", json: json, level: level)
    }

    static func stop(_ status: SyncExit, _ message: String, _ logger: Logger) -> ExitCode {
        logger.critical("sync cannot run", metadata: ["error": .string(message)])
        return ExitCode(status.rawValue)
    }

    static func printLine(_ text: String) {
        var bytes = Array((text + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(STDOUT_FILENO, base + offset, buffer.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
