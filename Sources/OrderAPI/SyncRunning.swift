/// What started a sync, as the worker is told.
package struct SyncTrigger: Sendable, Equatable {
    /// `http`, or `scheduler` when Cloud Scheduler sent it.
    package var trigger: String
    /// `X-CloudScheduler-ScheduleTime`, so a retried attempt for a slot already synced is not run twice.
    package var scheduleTime: String?

    package init(trigger: String, scheduleTime: String?) {
        self.trigger = trigger
        self.scheduleTime = scheduleTime
    }
}

/// How a sync run ended, as the process that ran it reported.
package enum SyncOutcome: Sendable {
    /// The worker exited with `status` (see `SyncExit`) after printing `output` (JSON).
    case exited(status: Int32, output: [UInt8])
    /// The worker was killed (deadline passed, shutdown) or died by a signal.
    case killed
    /// The worker could not be started (missing binary): the text says why, for the log.
    case notStarted(String)
}

/// Runs one sync to completion (the executable spawns the `ordersync-sync` worker).
package protocol SyncRunning: Sendable {
    func run(_ trigger: SyncTrigger) -> SyncOutcome
}
