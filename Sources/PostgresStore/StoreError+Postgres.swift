import PostgreSQL
import Storage

extension StoreError {
    /// PostgreSQL's error as the engine-neutral store error (docs/storage.md): a server that cannot be
    /// reached (a restart, a fail-over, a replica that refuses writes) is `unavailable` (503, retry),
    /// a statement timeout `timedOut`, a full disk `storageFull`.
    init(_ error: PostgresError) {
        let failure = EngineFailure(code: error.sqlState ?? "connection", message: error.description)
        switch error.kind {
        case .connectionUnavailable, .readOnlyTransaction: self = .unavailable(failure)
        case .queryTimeout: self = .timedOut
        case .serializationFailure: self = .busy
        // 22021 character_not_in_repertoire: a NUL character in a value, refused by the wrapper before
        // it was sent (Sources/PostgreSQL/PGValue.swift) or by the server.
        case .invalidData where error.sqlState == "22021": self = .unrepresentable(failure)
        default:
            // 53100 disk_full, 53200 out_of_memory is not "full": only the disk.
            self = error.sqlState == "53100" ? .storageFull(failure) : .failed(failure)
        }
    }

    /// Classifies any error of a PostgreSQL store operation.
    static func postgres(_ error: any Error) -> StoreError {
        if let error = error as? PostgresError { return StoreError(error) }
        return wrapping(error)
    }
}
