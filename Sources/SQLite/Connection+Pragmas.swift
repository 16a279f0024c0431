/// The settings ordersync relies on (https://sqlite.org/pragma.html, https://sqlite.org/wal.html).
extension Connection {
    /// Configures the single writer: WAL (checked: the pragma answers the mode it really chose) and
    /// `synchronous=FULL`, so a commit is on disk before we acknowledge it.
    package func configureAsWriter() throws(SQLiteError) {
        let mode = try scalarString("PRAGMA journal_mode=WAL")
        guard mode?.lowercased() == "wal" else {
            throw SQLiteError(code: 1, message: "journal_mode=WAL was refused (answered \(mode ?? "nothing"))")
        }
        try execute("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON")
    }

    /// Readers see committed data only and can never write.
    package func configureAsReader() throws(SQLiteError) {
        try execute("PRAGMA query_only=ON")
    }
}
