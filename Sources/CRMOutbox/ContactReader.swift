package import CRMPush
import Dispatch
import Synchronization

/// Reads CRM contacts for `POST /webhooks/hubspot` (docs/customers.md §11); blocks the calling thread
/// (a server thread, never a task's) until the read ends, which its bounds keep short.
package protocol CRMContactReading: Sendable {
    func readContacts(_ ids: [String]) -> HubSpotContactRead
}

/// HubSpot's contacts read through the outbox worker's own pusher, so webhook reads and pushes spend
/// one rate limiter. Bounded so that the webhook answers within HubSpot's 5 s (docs/realtime.md §5):
/// each request `requestTimeout`, the limiter's wait `maxWait`, and the whole read `deadline`, which
/// holds even when the transport's own timeout does not (URLSession's is one of inactivity).
package struct HubSpotContactReader: CRMContactReading {
    let pusher: HubSpotPusher
    package var requestTimeout = 3.0
    package var maxWait = 1.0
    package var deadline = 4.0
    /// Where the reads run: a thread of their own, not the cooperative pool (ThreadExecutor says why).
    private let executor = ThreadExecutor(name: "hubspot-contact-reads")

    package init(pusher: HubSpotPusher) {
        self.pusher = pusher
    }

    package func readContacts(_ ids: [String]) -> HubSpotContactRead {
        let answer = Mutex<HubSpotContactRead?>(nil)
        let done = DispatchSemaphore(value: 0)
        let (pusher, timeout, maxWait) = (pusher, requestTimeout, maxWait)
        let task = Task(executorPreference: executor) {
            let read = await pusher.readContacts(ids, timeout: timeout, maxWait: maxWait)
            answer.withLock { $0 = read }
            done.signal()
        }
        if done.wait(timeout: .now() + deadline) == .timedOut { task.cancel() }
        return answer.withLock { $0 } ?? .unavailable("HubSpot's contact read did not end in time")
    }
}
