import OrderAPI
import Synchronization
import Threads

#if canImport(Glibc)
    import Glibc
#endif

/// Runs `/sync` in the `ordersync-sync` worker process, installed beside this executable (or named by
/// `ORDERSYNC_SYNC_WORKER`). The worker holds the sync lock, so two triggers never run together; this
/// side only waits (bounded) and remembers the running pids, to stop them when the server drains.
final class SyncLauncher: SyncRunning {
    let workerPath: String
    let databasePath: String
    /// SQL_DIR when set; the worker then reads the same files as the server (else its built-in ones).
    let sqlDirectory: String?
    /// The worker stops itself at its deadline; this is the last resort beyond it.
    let timeout: Double
    private let running = Mutex<Set<Int32>>([])

    init(workerPath: String, databasePath: String, sqlDirectory: String?, deadlineSeconds: Double) {
        self.workerPath = workerPath
        self.databasePath = databasePath
        self.sqlDirectory = sqlDirectory
        self.timeout = deadlineSeconds + 30
    }

    /// The worker beside this executable, unless `ORDERSYNC_SYNC_WORKER` names another.
    static func workerPath(environment: [String: String]) -> String {
        if let path = environment["ORDERSYNC_SYNC_WORKER"], !path.isEmpty { return path }
        return (ChildProcess.executableFolder() ?? ".") + "/ordersync-sync"
    }

    func run(_ trigger: SyncTrigger) -> SyncOutcome {
        guard access(workerPath, X_OK) == 0 else {
            return .notStarted(
                "\(workerPath) is missing or not executable (build it: swift build --product ordersync-sync)")
        }
        var arguments = ["--db-path", databasePath, "--trigger", trigger.trigger]
        if let sqlDirectory { arguments += ["--sql-dir", sqlDirectory] }
        if let time = trigger.scheduleTime { arguments += ["--schedule-time", time] }
        var pid: Int32 = 0
        let outcome = ChildProcess.run(path: workerPath, arguments: arguments, timeout: timeout) { started in
            pid = started
            running.withLock { _ = $0.insert(started) }
        }
        running.withLock { _ = $0.remove(pid) }
        guard let outcome else { return .notStarted("cannot spawn \(workerPath) (errno \(errno))") }
        guard let status = outcome.exitStatus, !outcome.timedOut else { return .killed }
        return .exited(status: status, output: outcome.output)
    }

    /// Asks running workers to stop (SIGTERM): the server is draining and must exit within 10 s. What
    /// they stored stays stored; the next run resumes after it.
    func terminateAll() {
        for pid in running.withLock({ $0 }) { kill(pid, SIGTERM) }
    }
}
