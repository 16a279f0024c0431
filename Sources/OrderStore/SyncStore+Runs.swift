package import Storage
import SQLite

/// The `sync_runs` bookkeeping and the merge figures a run reports.
extension SyncStore {
    /// Records a new run as running and returns its id. Called while holding the sync lock, so any run
    /// still marked running belongs to a process that died: it is marked interrupted.
    package func beginRun(trigger: String, scheduleTime: String?) throws(StoreError) -> Int64 {
        let now = SyncStore.now()
        return try inTransaction { connection throws(SQLiteError) in
            let stale = try connection.cached(
                "UPDATE sync_runs SET status = 'interrupted', finished_at = ? WHERE status = 'running'")
            try stale.bind(1, now)
            try stale.run()
            let insert = try connection.cached(
                "INSERT INTO sync_runs (started_at, status, trigger, schedule_time) VALUES (?, 'running', ?, ?)")
            try insert.bind([now, trigger, scheduleTime])
            try insert.run()
            return try connection.scalarInt("SELECT last_insert_rowid()") ?? 0
        }
    }

    /// Marks the run finished with its summary (JSON text).
    package func finishRun(_ runID: Int64, succeeded: Bool, summary: String) throws(StoreError) {
        let now = SyncStore.now()
        try inTransaction { connection throws(SQLiteError) in
            let update = try connection.cached(
                "UPDATE sync_runs SET status = ?, finished_at = ?, summary = ? WHERE run_id = ?")
            try update.bind([succeeded ? "succeeded" : "failed", now, summary])
            try update.bind(4, runID)
            try update.run()
        }
    }

    /// The summary of a run that already succeeded for this scheduler slot: a retried scheduler
    /// attempt is answered with it instead of syncing twice (docs/providers.md §6: idempotent per
    /// X-CloudScheduler-ScheduleTime).
    package func succeededSummary(scheduleTime: String) throws(StoreError) -> String? {
        try read { connection throws(SQLiteError) in
            let query = try connection.cached(
                """
                SELECT summary FROM sync_runs WHERE schedule_time = ? AND status = 'succeeded'
                ORDER BY run_id DESC LIMIT 1
                """)
            defer { query.reset() }
            try query.bind(1, scheduleTime)
            return try query.step() ? query.string(0) : nil
        }
    }

    /// Synced orders in merged_orders_v, and how many of them found no customer record.
    package func mergeCounts() throws(StoreError) -> (merged: Int, unmatched: Int) {
        try read { connection throws(SQLiteError) in
            let query = try connection.cached(
                "SELECT count(*), coalesce(sum(crm_match = 0), 0) FROM merged_orders_v")
            defer { query.reset() }
            guard try query.step() else { return (0, 0) }
            return (Int(query.int64(0)), Int(query.int64(1)))
        }
    }
}
