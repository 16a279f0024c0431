package import CRMPush
package import CoreMetrics
import Dispatch
package import Logging
package import Storage
import Synchronization

/// The workers of a running server, one per configured CRM (docs/customers.md §10): started with the
/// server, woken by each change the API queues, stopped when it drains.
package final class OutboxWorkers: Sendable {
    package let workers: [OutboxWorker]
    /// Reads HubSpot contacts through the HubSpot worker's pusher (nil without HubSpot).
    package let hubSpotContacts: HubSpotContactReader?
    private let finished: Mutex<[DispatchSemaphore]>

    package init(_ workers: [OutboxWorker], hubSpotContacts: HubSpotContactReader? = nil) {
        self.workers = workers
        self.hubSpotContacts = hubSpotContacts
        finished = Mutex([])
    }

    /// Starts each worker's loop on a task of its own.
    package func start() {
        for worker in workers {
            let done = DispatchSemaphore(value: 0)
            finished.withLock { $0.append(done) }
            Task.detached {
                await worker.run()
                done.signal()
            }
        }
    }

    /// Something was queued: every worker looks now instead of after its idle rest.
    package func wake() {
        for worker in workers { worker.wake() }
    }

    /// Stops every worker after its current round and waits up to `seconds` for them. A push still in
    /// flight then is abandoned unsettled: its deliveries stay pending and go again after the restart.
    package func stop(waiting seconds: Double = 10) {
        for worker in workers { worker.stop() }
        let deadline = DispatchTime.now() + seconds
        for done in finished.withLock({ $0 }) { _ = done.wait(timeout: deadline) }
    }
}

extension OutboxWorkers {
    /// A worker per configured CRM, with the real clock and the URLSession transport.
    package static func make(
        hubSpot: HubSpotConfiguration?, hubSpotLimiter: CRMRateLimiter.Configuration,
        salesforce: SalesforceConfiguration?, salesforceLimiter: CRMRateLimiter.Configuration, retry: RetrySchedule,
        store: any CustomerStorage, metrics factory: any MetricsFactory, logger: Logger
    ) -> OutboxWorkers {
        let clock = SystemClock()
        let metrics = OutboxMetrics(factory: factory)
        var workers: [OutboxWorker] = []
        var reader: HubSpotContactReader?
        if let hubSpot {
            let transport = CRMTransportAdapter(maxResponseBytes: hubSpot.limits.maxAnswerBytes)
            let pusher = HubSpotPusher(configuration: hubSpot, transport: transport, clock: clock, limiter: hubSpotLimiter)
            reader = HubSpotContactReader(pusher: pusher)
            workers.append(
                OutboxWorker(
                    crm: "hubspot", store: store, pusher: pusher, clock: clock, schedule: retry, metrics: metrics,
                    logger: logger))
        }
        if let salesforce {
            let transport = CRMTransportAdapter(maxResponseBytes: salesforce.limits.maxAnswerBytes)
            let pusher = SalesforcePusher(
                configuration: salesforce, transport: transport, clock: clock, limiter: salesforceLimiter)
            workers.append(
                OutboxWorker(
                    crm: "salesforce", store: store, pusher: pusher, clock: clock, schedule: retry, metrics: metrics,
                    logger: logger))
        }
        return OutboxWorkers(workers, hubSpotContacts: reader)
    }
}
