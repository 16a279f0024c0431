import CRMPush
import OrderCore
import Synchronization

/// Answers from a script, one per request, in order, and records what was asked. A test double is right
/// here: these are unit tests of what the pushers send and how they read answers; the pushers against
/// the fake CRMs over real sockets are tested end to end elsewhere.
final class ScriptedTransport: CRMTransport {
    enum Step: Sendable {
        case answer(CRMResponse)
        case fail(String)
    }

    private let state: Mutex<(steps: [Step], seen: [CRMRequest], timeouts: [Double])>

    init(_ steps: [Step]) {
        state = Mutex((steps, [], []))
    }

    var seen: [CRMRequest] { state.withLock { $0.seen } }
    /// The timeout each request was sent with.
    var timeouts: [Double] { state.withLock { $0.timeouts } }
    var remaining: Int { state.withLock { $0.steps.count } }

    func send(_ request: CRMRequest, timeout: Double) async throws(CRMTransportError) -> CRMResponse {
        let step = state.withLock { state -> Step in
            state.seen.append(request)
            state.timeouts.append(timeout)
            return state.steps.isEmpty ? .fail("script exhausted") : state.steps.removeFirst()
        }
        switch step {
        case .answer(let response): return response
        case .fail(let reason): throw CRMTransportError(reason)
        }
    }
}

/// A clock that never sleeps: `sleep` moves it on and remembers how long it was asked to wait.
final class FakeClock: CRMClock {
    private let state: Mutex<(now: Double, sleeps: [Double])>

    init(_ now: Double = 1_767_225_600) {  // 2026-01-01T00:00:00Z
        state = Mutex((now, []))
    }

    var sleeps: [Double] { state.withLock { $0.sleeps } }

    func now() -> Double { state.withLock { $0.now } }

    func sleep(_ seconds: Double) async {
        state.withLock {
            $0.now += seconds
            $0.sleeps.append(seconds)
        }
    }

    func advance(_ seconds: Double) { state.withLock { $0.now += seconds } }
}

func answer(_ status: Int, _ body: String = "", headers: [String: String] = [:]) -> ScriptedTransport.Step {
    .answer(CRMResponse(status: status, headers: headers, body: Array(body.utf8)))
}

func text(_ bytes: [UInt8]?) -> String { String(decoding: bytes ?? [], as: UTF8.self) }

/// A customer with the given fields (names as `CustomerField` raw values).
func customer(_ id: String, _ fields: [CustomerField: String]) -> Customer { Customer(id: id, fields: fields) }

/// The customer most tests push: every field but the phone, the company and the region.
let ana = customer(
    "c1",
    [
        .email: "Ana.Ruiz@Example.org", .firstName: "Ana", .lastName: "Ruiz", .addressLine1: "Calle 1",
        .addressLine2: "Piso 2", .city: "Madrid", .postalCode: "28001", .country: "ES",
    ])

/// An upsert delivery of a customer `c<n>` with email `user<n>@example.org`, outbox id `n`.
func delivery(_ n: Int64, email: String? = nil) -> CRMDelivery {
    let person = customer("c\(n)", [.email: email ?? "user\(n)@example.org", .lastName: "Last\(n)"])
    return CRMDelivery(id: n, customerID: "c\(n)", version: 1, customer: person)
}

/// Reasons, messages and codes a test can search.
extension CRMOutcome {
    var reason: String? {
        switch self {
        case .delivered: nil
        case .transient(let reason, _): reason
        case .permanent(let refusal): refusal.description
        }
    }

    var isTransient: Bool { if case .transient = self { true } else { false } }
}
