package import SQLite

/// Why the store could not do what was asked. The API maps each case to an HTTP status once.
package enum StoreError: Error, Sendable {
    /// The disk is full or the file may not grow: nothing of the request was stored. SQLite's error
    /// (code and errno) is for the log.
    case storageFull(SQLiteError)
    /// The database stayed locked, or no reader came free, within the bounded wait.
    case busy
    /// The store is shutting down or already closed.
    case closed
    /// A query ran past its time limit and was stopped.
    case timedOut
    /// Anything else SQLite reported; its message is for the log, never for a client.
    case sqlite(SQLiteError)

    /// Classifies any error of a store operation (SQLite's, or already ours).
    package static func from(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? SQLiteError { return StoreError(error) }
        return .sqlite(SQLiteError(code: 1, message: "\(error)"))
    }

    package init(_ error: SQLiteError) {
        if error.isDiskFull {
            self = .storageFull(error)
        } else if error.isBusy {
            self = .busy
        } else if error.code == 9 {  // SQLITE_INTERRUPT
            self = .timedOut
        } else {
            self = .sqlite(error)
        }
    }
}

/// A SQL file under `sql/` could not be applied: startup must stop and name the file.
package struct SchemaError: Error, CustomStringConvertible, Sendable {
    /// The file, relative to the SQL directory's parent (e.g. `sql/views/latest_order_v.sql`).
    package let file: String
    /// SQLite's message or the I/O problem.
    package let message: String

    package var description: String { "\(file): \(message)" }
}
