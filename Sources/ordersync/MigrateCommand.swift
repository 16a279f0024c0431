import ArgumentParser
import OrderStore

/// `ordersync migrate`: apply the SQL files (built in, or `SQL_DIR`) to the database and exit.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply the SQL files to the database and exit.")

    @OptionGroup var options: CommonOptions

    func run() throws {
        let settings = try Settings(options: options, port: nil, maxBodyBytes: nil)
        do {
            let store = try OrderStore(path: settings.dbPath, sqlDirectory: settings.sqlDirectory)
            for migration in store.appliedMigrations { print("applied migration \(migration)") }
            if store.appliedMigrations.isEmpty { print("no migration to apply") }
            print(
                "applied \(settings.sqlDirectory ?? "the built-in SQL") to \(settings.dbPath); views: \(store.views.joined(separator: ", "))"
            )
            store.close()
        } catch {
            throw Failure(error.description)
        }
    }
}
