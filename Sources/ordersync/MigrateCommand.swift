import ArgumentParser
import OrderStore
import PostgresStore
#if canImport(Glibc)
    import Glibc
#endif

/// `ordersync migrate`: apply the SQL files (built in, or `SQL_DIR`) to the database and exit.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply the SQL files to the database and exit.")

    @OptionGroup var options: CommonOptions

    func run() throws {
        let settings = try Settings(options: options, port: nil, maxBodyBytes: nil)
        if let url = settings.databaseURL {
            // Several instances may run this at once: the files apply once, under an advisory lock.
            do {
                let store = try PostgresStore(url: url, sqlDirectory: settings.sqlDirectory)
                for migration in store.appliedMigrations { print("applied migration \(migration)") }
                if store.appliedMigrations.isEmpty { print("no migration to apply") }
                print(
                    "applied \(settings.sqlDirectory ?? "the built-in SQL") to \(store.target); views: \(store.views.joined(separator: ", "))"
                )
                store.close()
            } catch {
                throw Failure(error.description)
            }
            return
        }
        do {
            let store = try OrderStore(path: settings.dbPath, sqlDirectory: settings.sqlDirectory)
            for migration in store.appliedMigrations { print("applied migration \(migration)") }
            if store.appliedMigrations.isEmpty { print("no migration to apply") }
            // The projections' backfill (docs/projections.md) runs on the writer's thread; wait for it
            // here, so a database migrated ahead of a deploy serves from the projections at once.
            var reported = -1
            while let progress = store.projections.progress, !progress.complete, store.projections.backfillRunning {
                if progress.orders != reported && progress.orders - reported >= 100_000 {
                    print("projection backfill: \(progress.orders) orders")
                    reported = progress.orders
                }
                usleep(50_000)
            }
            if let progress = store.projections.progress {
                print(progress.complete ? "projections complete (\(progress.orders) orders backfilled)" : "projection backfill failed: the server resumes it")
            }
            print(
                "applied \(settings.sqlDirectory ?? "the built-in SQL") to \(settings.dbPath); views: \(store.views.joined(separator: ", "))"
            )
            store.close()
        } catch {
            throw Failure(error.description)
        }
    }
}
