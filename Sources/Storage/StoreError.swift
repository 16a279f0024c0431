/// Why the store could not do what was asked, whatever the engine. The API maps each case to an HTTP
/// status once (OrderService+Ingest.swift, `storeFailure`).
package enum StoreError: Error, Sendable {
    /// The disk is full or the file may not grow: nothing of the request was stored (507).
    case storageFull(EngineFailure)
    /// The database stayed locked, or no connection came free, within the bounded wait (503).
    case busy
    /// The store is shutting down or already closed (503).
    case closed
    /// A query ran past its time limit and was stopped (503).
    case timedOut
    /// The database server cannot be reached now (a restart, a fail-over): nothing of the request was
    /// committed, and retrying shortly is safe (503).
    case unavailable(EngineFailure)
    /// The batch holds a value this engine cannot store (PostgreSQL's text cannot hold the NUL
    /// character): nothing of it was stored, and sending it again will not help (422).
    case unrepresentable(EngineFailure)
    /// Anything else the engine reported; its message is for the log, never for a client (500).
    case failed(EngineFailure)

    /// The HTTP status this failure answers with.
    package var httpStatus: Int {
        switch self {
        case .storageFull: 507
        case .busy, .closed, .timedOut, .unavailable: 503
        case .unrepresentable: 422
        case .failed: 500
        }
    }
}

/// What the engine said, for the log: its own code (SQLite's extended result code, PostgreSQL's
/// SQLSTATE), its message (never a password or a client's data), and the OS error when there is one.
package struct EngineFailure: Error, Sendable, Equatable, CustomStringConvertible {
    package var code: String
    package var message: String
    package var systemErrno: Int32?

    package init(code: String, message: String, systemErrno: Int32? = nil) {
        self.code = code
        self.message = message
        self.systemErrno = systemErrno
    }

    package var description: String { "\(message) (\(code))" }
}

extension StoreError {
    /// Classifies an error that is not ours yet as a plain failure; ours pass through.
    package static func wrapping(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        return .failed(EngineFailure(code: "error", message: "\(error)"))
    }
}

/// A SQL file under `sql/` could not be applied: startup must stop and name the file.
package struct SchemaError: Error, CustomStringConvertible, Sendable {
    /// The file, relative to the SQL directory's parent (e.g. `sql/views/latest_order_v.sql`).
    package let file: String
    /// The engine's message or the I/O problem.
    package let message: String

    package init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    package var description: String { "\(file): \(message)" }
}
