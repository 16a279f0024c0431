package import Storage
package import CoreMetrics
package import OrderCore
package import SQLite
package import Storage

/// The database of ordersync: one writer with group commit, a pool of readers, and the SQL of `sql/`
/// applied at open.
package final class OrderStore: Sendable {
    /// The writer (all inserts go through it).
    package let writer: OrderWriter
    /// Read-only connections for queries.
    package let readers: ReaderPool
    /// The views the SQL directory created, in file order.
    package let views: [String]
    /// The migrations (`sql/migrations/` file names) this open applied, in order: none when the
    /// database had them all (for the log: docs/contract.md §2).
    package let appliedMigrations: [String]
    /// The database file.
    package let path: String
    /// Changes whenever the data may have changed, in this process or another (for HTTP validators).
    let generation: DataGeneration
    /// The views' catalog, read once (OrderStore+Reading.swift).
    let catalog = CatalogCache()
    /// Whether the projections answer reads yet, and the backfill's progress (docs/projections.md).
    package let projections: ProjectionStatus

    /// Why the store could not open.
    package enum OpenError: Error, CustomStringConvertible {
        case directory(String, String)
        case unwritable(String, String)
        case database(String, SQLiteError)
        case schema(SchemaError)

        package var description: String {
            switch self {
            case .directory(let path, let reason): "cannot create database directory \(path): \(reason)"
            case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
            case .database(let path, let error): "cannot open database \(path): \(error.explanation)"
            case .schema(let error): "cannot apply SQL file \(error.description)"
            }
        }
    }

    /// Opens (creating the file and its folder when missing), applies the SQL files (those of
    /// `sqlDirectory`, or the built-in ones when it is nil), starts the writer. The writer's metrics go
    /// to `metricsFactory` (the process-wide `MetricsSystem.factory` by default). When it fails, a
    /// database file this call created is removed again, so a failed start leaves no stub behind.
    /// The writer runs the projections' backfill when one is pending and tells `onProjections` each step.
    package init(
        path: String, sqlDirectory: String?, readerCapacity: Int = 8,
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        onProjections: (@Sendable (ProjectionStatus.Event) -> Void)? = nil, backfillChunk: Int = OrderWriter.backfillChunk,
        sourcePriority: SourcePriority = .standard
    ) throws(OpenError) {
        let (writer, applied, projections) = try OrderStore.removingCreatedFile(path) { () throws(OpenError) in
            try OrderStore.open(
                path: path, sqlDirectory: sqlDirectory, metricsFactory: metricsFactory, onProjections: onProjections,
                backfillChunk: backfillChunk, sourcePriority: sourcePriority)
        }
        self.projections = projections
        self.writer = writer
        self.readers = ReaderPool(path: path, capacity: readerCapacity)
        self.views = applied.views
        self.appliedMigrations = applied.migrations
        self.path = path
        self.generation = DataGeneration(path: path, writer: writer)
    }

    /// The writer, started, and what the SQL files created. On a throw its connection is closed.
    private static func open(
        path: String, sqlDirectory: String?, metricsFactory: any MetricsFactory,
        onProjections: (@Sendable (ProjectionStatus.Event) -> Void)?, backfillChunk: Int, sourcePriority: SourcePriority
    ) throws(OpenError) -> (OrderWriter, SchemaLoader.Applied, ProjectionStatus) {
        try OrderStore.createFolder(of: path)
        let writer: OrderWriter
        do {
            writer = try OrderWriter(
                path: path, metrics: WriterMetrics(factory: metricsFactory), priority: sourcePriority)
        } catch {
            throw .database(path, error)
        }
        let applied: SchemaLoader.Applied
        do {
            applied = try writer.withConnectionBeforeStart { connection throws(SchemaError) in
                try SchemaLoader.apply(directory: sqlDirectory, to: connection)
            }
        } catch let error as SchemaError {
            throw .schema(error)
        } catch {
            throw .schema(SchemaError(file: sqlDirectory ?? SchemaLoader.builtInName, message: "\(error)"))
        }
        let progress: Projector.Progress?
        do {
            progress = try writer.withConnectionBeforeStart { connection throws(SQLiteError) in
                try Projector.prepare(connection)
            }
        } catch let error as SQLiteError {
            throw .database(path, error)
        } catch {
            throw .database(path, SQLiteError(code: 1, message: "\(error)"))
        }
        let projections = ProjectionStatus(progress, listener: onProjections)
        do {
            try writer.start(projections: projections, backfillChunk: backfillChunk)
        } catch {
            throw .database(path, SQLiteError(code: 1, message: "cannot start the writer thread"))
        }
        return (writer, applied, projections)
    }

    /// Runs `body`, which opens the database at `path`; when it throws and the file was not there
    /// before, removes what it created (the file, `-wal`, `-shm`, `-journal`). A file that existed is
    /// never touched, nor one that holds a schema: another process that created it meanwhile (a server
    /// and `ordersync migrate` started together) keeps it. `body` must have closed its connections when
    /// it throws (they are its locals).
    static func removingCreatedFile<R>(_ path: String, _ body: () throws(OpenError) -> R) throws(OpenError) -> R {
        let existed = FileSystem.exists(path)
        do {
            return try body()
        } catch {
            if !existed && holdsNoSchema(path) { removeDatabaseFiles(path) }
            throw error
        }
    }

    /// True when nothing was ever committed to the file: no table, view, index or trigger (the schema
    /// is applied in one transaction, rolled back on failure). False when that cannot be read.
    private static func holdsNoSchema(_ path: String) -> Bool {
        guard FileSystem.exists(path) else { return true }
        do {
            let connection = try Connection(path: path, mode: .readOnly)
            return try connection.scalarInt("SELECT count(*) FROM sqlite_schema") == 0
        } catch {
            return false
        }
    }

    /// Removes a database file and the files SQLite keeps beside it (https://sqlite.org/tempfiles.html).
    package static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { FileSystem.remove(path + suffix) }
    }

    /// Creates the folder of the database file when it is missing, and checks that both can be written.
    static func createFolder(of path: String) throws(OpenError) {
        let folder = FileSystem.parent(path)
        if !folder.isEmpty && !FileSystem.exists(folder), let reason = FileSystem.createDirectories(folder) {
            throw .directory(folder, reason)
        }
        try checkWritable(path, folder: folder.isEmpty ? "." : folder)
    }

    /// Names the problem before SQLite meets it: SQLite says only "unable to open database file", or
    /// opens a file it may not write read-only and fails at the first write. The folder must be
    /// writable even when the file exists, since SQLite creates the `-wal` and `-shm` files next to it.
    private static func checkWritable(_ path: String, folder: String) throws(OpenError) {
        if FileSystem.isDirectory(path) { throw .unwritable(path, "it is a directory, not a database file") }
        if !FileSystem.isDirectory(folder) { throw .unwritable(path, "\(folder) is not a directory") }
        if let reason = FileSystem.readWriteProblem(folder) {
            throw .unwritable(folder, "\(reason) (the database and its -wal and -shm files live there)")
        }
        if FileSystem.exists(path), let reason = FileSystem.readWriteProblem(path) { throw .unwritable(path, reason) }
    }

    /// The sizes of the database file and its WAL in bytes (0 for a file that does not exist).
    package var fileSizes: (database: Int, wal: Int) {
        (FileSystem.size(path) ?? 0, FileSystem.size(path + "-wal") ?? 0)
    }

    /// Stops the writer after it committed what was queued, checkpoints the WAL and closes readers.
    package func close() {
        readers.close()
        generation.close()
        writer.close()
    }
}
