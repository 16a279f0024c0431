import OrderCore
import Synchronization

/// Salesforce's client-credentials token (docs/customers.md §7): fetched when first needed,
/// kept in memory only, shared by every push, and fetched again only after the API refused it. One
/// fetch at a time (single-flight): callers that need a token while one is being fetched wait for that
/// one instead of asking again.
package final class SalesforceTokens: Sendable {
    let configuration: SalesforceConfiguration
    let exchange: CRMExchange
    private let state = Mutex(State())

    private struct State {
        var current: SalesforceSession?
        var pending: Task<Answer, Never>?
        var generation = 0
        var fetches = 0
        var waiting = 0
    }

    /// A token, or why there is none.
    package enum Answer: Sendable, Equatable {
        case session(SalesforceSession)
        /// The login server refused the app's credentials: pause the CRM, a person must act.
        case refused(String)
        /// No usable answer (network, 5xx, a broken body): try later.
        case unavailable(String)
    }

    init(configuration: SalesforceConfiguration, exchange: CRMExchange) {
        self.configuration = configuration
        self.exchange = exchange
    }

    /// Token requests sent so far.
    package var fetches: Int { state.withLock { $0.fetches } }
    /// Callers waiting for a fetch under way (tests use it to line callers up).
    package var waiting: Int { state.withLock { $0.waiting } }

    /// The current session, or the answer of one fetch shared by every caller that asks meanwhile.
    package func session() async -> Answer {
        enum Step {
            case ready(SalesforceSession)
            case wait(Task<Answer, Never>)
        }
        let step = state.withLock { state -> Step in
            if let current = state.current { return .ready(current) }
            state.waiting += 1
            if let pending = state.pending { return .wait(pending) }
            state.generation += 1
            state.fetches += 1
            let generation = state.generation
            let task = Task { await self.fetch(generation: generation) }
            state.pending = task
            return .wait(task)
        }
        switch step {
        case .ready(let session): return .session(session)
        case .wait(let task):
            let answer = await task.value
            state.withLock { $0.waiting -= 1 }
            return answer
        }
    }

    /// Forgets `session` because the API refused it (401); a newer one is kept.
    package func invalidate(_ session: SalesforceSession) {
        state.withLock { state in
            if state.current?.generation == session.generation { state.current = nil }
        }
    }

    private func fetch(generation: Int) async -> Answer {
        let answer = await ask(generation: generation)
        state.withLock { state in
            state.pending = nil
            if case .session(let session) = answer { state.current = session }
        }
        return answer
    }

    private func ask(generation: Int) async -> Answer {
        let maxBytes = configuration.limits.maxAnswerBytes
        let response: CRMResponse
        switch await exchange.send(SalesforceRequests.token(configuration), paced: false) {
        case .answer(let answer): response = answer
        case .failed(let reason): return .unavailable("token request: \(reason)")
        case .mustWait(let pause): return .unavailable(pause.reason)
        }
        let body = CRMText.json(response.body, maxBytes: maxBytes)
        switch response.status {
        case 200:
            guard case .success(let json) = body, case .string(let token)? = json["access_token"], !token.isEmpty,
                token.utf8.count <= 4_096,
                !token.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7F }),
                case .string(let instance)? = json["instance_url"], isAllowedInstance(instance)
            else { return .unavailable("token answer without a usable access_token and instance_url") }
            return .session(
                SalesforceSession(
                    accessToken: token, instanceURL: CRMURL.trimmingSlash(instance), generation: generation))
        case 400, 401, 403:
            // OAuth's error answer (RFC 6749 §5.2): {"error": "invalid_client", "error_description": "…"}.
            var reason = "Salesforce refused the app's credentials (\(response.status)"
            if case .success(let json) = body, let code = CRMText.string(json["error"], limit: 64) {
                reason += " \(code)"
                if let description = CRMText.string(json["error_description"], limit: 200) {
                    reason += ": \(description)"
                }
            }
            return .refused(reason + ")")
        default:
            return .unavailable("token request answered \(response.status)")
        }
    }

    /// `instance_url` must be a base URL on https, or on http only when the login URL is too (a local
    /// fake): a token answer cannot send the bearer token to a plain-text host.
    private func isAllowedInstance(_ url: String) -> Bool {
        CRMURL.isBase(url) && (url.hasPrefix("https://") || configuration.loginURL.hasPrefix("http://"))
    }
}
