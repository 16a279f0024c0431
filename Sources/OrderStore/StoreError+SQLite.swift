package import Storage
package import SQLite
package import Storage

extension StoreError {
    /// SQLite's error as the engine-neutral store error.
    package init(_ error: SQLiteError) {
        if error.isDiskFull {
            self = .storageFull(EngineFailure(error))
        } else if error.isBusy {
            self = .busy
        } else if error.code == 9 {  // SQLITE_INTERRUPT: a query deadline (Connection.setDeadline)
            self = .timedOut
        } else {
            self = .failed(EngineFailure(error))
        }
    }

    /// Classifies any error of a SQLite store operation (SQLite's, or already ours).
    package static func from(_ error: any Error) -> StoreError {
        if let error = error as? SQLiteError { return StoreError(error) }
        return wrapping(error)
    }
}

extension EngineFailure {
    /// SQLite's extended code (e.g. `SQLITE 778`), its explanation, and errno when it gave one.
    package init(_ error: SQLiteError) {
        self.init(
            code: "SQLITE \(error.extendedCode)", message: error.explanation,
            systemErrno: error.systemErrno == 0 ? nil : error.systemErrno)
    }
}
