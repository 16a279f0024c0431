import Storage
import OrderCore
import SQLite
import Threads

/// `sql/migrations/NNNN_name.sql` (docs/contract.md §2, docs/migrations.md): each applied once, in number
/// order, in its own `BEGIN IMMEDIATE` transaction, recorded in `ordersync_migrations` with its text.
extension SchemaLoader {
    static let migrationBookkeeping = """
        CREATE TABLE IF NOT EXISTS ordersync_migrations (
            number     INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            sql        TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )
        """

    /// One row of `ordersync_migrations`.
    struct RecordedMigration {
        let number: Int
        let name: String
        let sql: String
        let appliedAt: String
    }

    /// The migrations of the SQL directory, or the built-in ones, in number order (names checked).
    static func migrations(directory: String?) throws(SchemaError) -> [Migration] {
        let files: [SQLFile]
        if let directory {
            files = try self.files(in: directory, kind: "migrations")
        } else {
            files = embeddedFiles(kind: "migrations")
        }
        return try Migration.ordered(files.map { (FileSystem.lastComponent($0.name), $0.name, $0.sql) })
    }

    /// Refuses a database whose record does not match `migrations`: one this binary does not know (a
    /// newer ordersync migrated it), one applied with another name or text, or a record with a hole.
    static func checkRecorded(_ migrations: [Migration], _ connection: Connection) throws(SchemaError)
        -> [Int: RecordedMigration]
    {
        let recorded = try recordedMigrations(connection)
        if let highest = recorded.keys.max(), highest > migrations.count {
            let entry = recorded[highest]
            let known = migrations.last.map { "up to \($0.name)" } ?? "none"
            throw SchemaError(
                file: entry?.name ?? "ordersync_migrations",
                message: "the database has migrations up to \(String(highest).leftPadded(to: 4)), which this "
                    + "ordersync does not know (it knows \(known)): a newer ordersync migrated it; run that "
                    + "version or a newer one")
        }
        for migration in migrations {
            guard let entry = recorded[migration.number] else {
                if let later = recorded.keys.filter({ $0 > migration.number }).min() {
                    throw SchemaError(
                        file: migration.file,
                        message: "is not recorded as applied although \(recorded[later]?.name ?? "a later one") is")
                }
                continue
            }
            guard entry.name == migration.name else {
                throw SchemaError(
                    file: migration.file,
                    message: "migration \(String(migration.number).leftPadded(to: 4)) was applied as \(entry.name) "
                        + "(\(entry.appliedAt)): an applied migration is never renamed nor replaced; restore it "
                        + "and add a new migration")
            }
            guard entry.sql == migration.recordedText else {
                throw SchemaError(
                    file: migration.file,
                    message: "was applied (\(entry.appliedAt)) with a different text (ordersync_migrations keeps "
                        + "the applied one): an applied migration must never change; restore its text "
                        + "and add a new migration for the change")
            }
        }
        return recorded
    }

    /// Applies `migration` unless it is recorded; true when this call applied it. With
    /// `ownTransaction` it takes the write lock first and looks at the record again under it, so processes
    /// starting together apply each migration exactly once; without, the caller's transaction holds it.
    static func apply(
        _ migration: Migration, of migrations: [Migration], ownTransaction: Bool,
        beforeCommit: (() throws(SchemaError) -> Void)? = nil, _ connection: Connection
    ) throws(SchemaError) -> Bool {
        if ownTransaction { try run("BEGIN IMMEDIATE", file: migration.file, connection) }
        guard try checkRecorded(migrations, connection)[migration.number] == nil else {
            if ownTransaction { try run("COMMIT", file: migration.file, connection) }
            return false
        }
        // Views go first (re-created after the migrations), so a migration may change what they read.
        try dropRecordedViews(connection)
        let statements: Int
        do {
            statements = try connection.executeScript(migration.sql, check: transactionControlRefusal)
        } catch {
            throw SchemaError(file: migration.file, message: error.message)
        }
        guard statements > 0 else {
            throw SchemaError(file: migration.file, message: "holds no SQL statement (only white space or comments)")
        }
        do {
            let statement = try connection.prepare(
                "INSERT INTO ordersync_migrations (number, name, sql, applied_at) VALUES (?, ?, ?, ?)")
            let now = Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText
            try statement.bind(1, Int64(migration.number))
            for (index, text) in [migration.name, migration.recordedText, now].enumerated() {
                try statement.bind(Int32(index + 2), text)
            }
            try statement.run()
        } catch {
            throw SchemaError(file: migration.file, message: error.message)
        }
        try beforeCommit?()
        if ownTransaction { try run("COMMIT", file: migration.file, connection) }
        return true
    }

    /// Why a statement may not be part of a migration: ordersync opens and commits its transaction, and a
    /// `COMMIT` inside would make the half before it permanent whatever happens after.
    static func transactionControlRefusal(_ statement: String) -> String? {
        let keyword = firstKeyword(statement).uppercased()
        guard ["BEGIN", "COMMIT", "END", "ROLLBACK"].contains(keyword) else { return nil }
        return "\(keyword): a migration runs inside the transaction ordersync opens for it, so it holds no "
            + "BEGIN, COMMIT, END or ROLLBACK (SAVEPOINT and RELEASE are fine)"
    }

    /// The first word of `statement` after white space and `--` or `/* */` comments.
    static func firstKeyword(_ statement: String) -> String {
        var rest = Substring(statement)
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.hasPrefix("--") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("/*") {
                rest = rest.dropFirst(2)
                while !rest.isEmpty && !rest.hasPrefix("*/") { rest = rest.dropFirst() }
                rest = rest.dropFirst(2)
            } else {
                return String(rest.prefix { $0.isLetter })
            }
        }
    }

    static func recordedMigrations(_ connection: Connection) throws(SchemaError) -> [Int: RecordedMigration] {
        var result: [Int: RecordedMigration] = [:]
        do {
            let statement = try connection.prepare(
                "SELECT number, name, sql, applied_at FROM ordersync_migrations ORDER BY number")
            while try statement.step() {
                let number = Int(statement.int64(0))
                result[number] = RecordedMigration(
                    number: number, name: statement.string(1) ?? "", sql: statement.string(2) ?? "",
                    appliedAt: statement.string(3) ?? "")
            }
        } catch {
            throw SchemaError(file: "ordersync_migrations", message: error.message)
        }
        return result
    }
}
