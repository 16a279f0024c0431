internal import CSQLite

extension Connection {
    /// Runs the statements of `script` one at a time, in order, each prepared only once the ones before
    /// it ran (so a statement may use a table an earlier one created). `check` sees each statement's
    /// text before it runs and returns why it must not run, or nil. Returns how many statements ran:
    /// 0 for text that is only white space and comments.
    ///
    /// Unlike `execute`, a statement that ends the open transaction (a `COMMIT` that slipped past
    /// `check`) is an error the moment it happens (sqlite3_get_autocommit), so the caller knows.
    package func executeScript(_ script: String, check: (String) -> String?) throws(SQLiteError) -> Int {
        let wasInTransaction = inTransaction
        var count = 0
        var failure: SQLiteError?
        script.withCString { start in
            var cursor = start
            while cursor.pointee != 0 {
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let rc = sqlite3_prepare_v3(handle, cursor, -1, 0, &statement, &tail)
                guard rc == SQLITE_OK else {
                    failure = error(rc, sql: String(cString: cursor))
                    return
                }
                // A statement ends where SQLite's tokenizer says; nil means only white space or comments.
                guard let statement else { break }
                defer { sqlite3_finalize(statement) }
                let text = String(cString: sqlite3_sql(statement))
                if let refusal = check(text) {
                    failure = SQLiteError(code: SQLITE_ERROR, message: refusal, sql: text)
                    return
                }
                var step = sqlite3_step(statement)
                while step == SQLITE_ROW { step = sqlite3_step(statement) }
                guard step == SQLITE_DONE else {
                    failure = error(step, sql: text)
                    return
                }
                count += 1
                if wasInTransaction && !inTransaction {
                    failure = SQLiteError(
                        code: SQLITE_ERROR, message: "the statement ended the transaction it ran in", sql: text)
                    return
                }
                guard let tail else { break }
                cursor = tail
            }
        }
        if let failure { throw failure }
        return count
    }
}
