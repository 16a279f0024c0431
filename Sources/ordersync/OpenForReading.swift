import OrderStore
import PostgresStore
import Storage

/// The database the read-only tools (`query`, `export`) read: PostgreSQL when DATABASE_URL is set,
/// else the SQLite file at DB_PATH, opened read-only (docs/storage.md).
enum OpenForReading {
    typealias Store = any OrderReading & CustomerExporting & Closable

    static func store(_ settings: Settings) throws -> Store {
        if let url = settings.databaseURL {
            do {
                return try PostgresStore(url: url, sqlDirectory: settings.sqlDirectory)
            } catch {
                throw Failure(error.description)
            }
        }
        do {
            return try ReadOnlyStore(path: settings.dbPath)
        } catch {
            throw Failure(error.description)
        }
    }
}

/// Something to close when a tool is done with it.
protocol Closable {
    func close()
}

extension PostgresStore: Closable {}
extension ReadOnlyStore: Closable {}
