package import SyncCore
import Threads

/// Sends a connector's requests so that they survive real APIs: retries with exponential backoff and
/// jitter on network errors and 5xx, `429` honoured with its `Retry-After`, and a whole-run deadline
/// that no request or pause may cross. Counts requests and retries for the run summary.
package final class ProviderClient {
    /// How hard to try.
    package struct Policy: Sendable {
        /// Attempts per request, the first included.
        package var maxAttempts = 6
        package var backoff = Backoff()
        /// Upper bound of one request (connect, send, receive).
        package var requestTimeout = 60.0

        package init() {}
    }

    let transport: any HTTPTransport
    let connector: String
    let policy: Policy
    /// Monotonic time (`Threads.monotonicSeconds`) after which nothing more is sent.
    let deadline: Double
    package private(set) var requests = 0
    package private(set) var retries = 0
    /// Attempts the last `send` took (reported with a failure that follows it).
    package private(set) var lastAttempts = 0

    package init(transport: any HTTPTransport, connector: String, policy: Policy, deadline: Double) {
        self.transport = transport
        self.connector = connector
        self.policy = policy
        self.deadline = deadline
    }

    /// Sends `request` until it gets an answer that is not a network error, 5xx or 429 (or attempts or
    /// time run out). Returns that answer whatever its status; the caller decides about 4xx.
    package func send(_ request: ProviderRequest) async throws(SyncFailure) -> ProviderResponse {
        var attempt = 0
        while true {
            attempt += 1
            let remaining = deadline - Threads.monotonicSeconds()
            guard remaining > 0.05 else {
                throw failure(request, status: nil, attempts: attempt - 1, "sync deadline reached", kind: .deadline)
            }
            requests += 1
            let outcome: Result<ProviderResponse, TransportError>
            do {
                outcome = .success(try await transport.send(request, timeout: min(policy.requestTimeout, remaining)))
            } catch {
                outcome = .failure(error)
            }
            let pause: Double
            switch outcome {
            case .success(let response) where response.status == 429:
                pause =
                    RateLimitHeaders.retryAfterSeconds(response.header("Retry-After"))
                    ?? policy.backoff.delay(retry: attempt, unit: Double.random(in: 0..<1))
                guard attempt < policy.maxAttempts else {
                    throw failure(request, status: 429, attempts: attempt, "rate limited")
                }
            case .success(let response) where (500...599).contains(response.status):
                guard attempt < policy.maxAttempts else {
                    throw failure(request, status: response.status, attempts: attempt, "server error")
                }
                pause = policy.backoff.delay(retry: attempt, unit: Double.random(in: 0..<1))
            case .success(let response):
                lastAttempts = attempt
                return response
            case .failure(let error):
                guard attempt < policy.maxAttempts else {
                    throw failure(request, status: nil, attempts: attempt, error.description)
                }
                pause = policy.backoff.delay(retry: attempt, unit: Double.random(in: 0..<1))
            }
            retries += 1
            try await sleep(pause, request: request, attempts: attempt)
        }
    }

    /// Waits `seconds`, unless that would cross the deadline (then fails at once: waiting is useless).
    package func sleep(_ seconds: Double, request: ProviderRequest, attempts: Int) async throws(SyncFailure) {
        guard seconds > 0 else { return }
        guard Threads.monotonicSeconds() + seconds < deadline else {
            throw failure(
                request, status: nil, attempts: attempts,
                "sync deadline reached (next attempt in \(Int(seconds.rounded(.up))) s)", kind: .deadline)
        }
        do {
            try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
        } catch {
            throw failure(request, status: nil, attempts: attempts, "cancelled")
        }
    }

    /// A failure naming this connector and the request's path.
    package func failure(
        _ request: ProviderRequest, status: Int?, attempts: Int? = nil, _ message: String,
        kind: SyncFailure.Kind = .provider
    ) -> SyncFailure {
        SyncFailure(
            kind, connector: connector, path: request.path, status: status, attempts: attempts ?? lastAttempts,
            message: message)
    }
}
