import Connectors
import SyncCore
import Synchronization
import Testing
import Threads

/// Answers from a script, one per request, and records what was asked (unit tests of the retry logic;
/// the connectors are tested end to end against the fake providers over real sockets).
final class ScriptedTransport: HTTPTransport {
    enum Step: Sendable {
        case answer(ProviderResponse)
        case fail(String)
    }

    private let state: Mutex<(steps: [Step], seen: [ProviderRequest])>

    init(_ steps: [Step]) {
        state = Mutex((steps, []))
    }

    var seen: [ProviderRequest] { state.withLock { $0.seen } }

    func send(_ request: ProviderRequest, timeout: Double) async throws(TransportError) -> ProviderResponse {
        let step = state.withLock { state -> Step in
            state.seen.append(request)
            return state.steps.isEmpty ? .fail("script exhausted") : state.steps.removeFirst()
        }
        switch step {
        case .answer(let response): return response
        case .fail(let reason): throw TransportError(reason)
        }
    }
}

@Suite struct ProviderClientTests {
    // The deadline is far: a busy test machine may start an async test late, and that must not fail it.
    static func client(_ transport: ScriptedTransport, attempts: Int = 4, deadline: Double = 3_600) -> ProviderClient {
        var policy = ProviderClient.Policy()
        policy.maxAttempts = attempts
        policy.backoff = Backoff(base: 0.001, maximum: 0.002)
        return ProviderClient(
            transport: transport, connector: "shopify", policy: policy, deadline: Threads.monotonicSeconds() + deadline)
    }

    static let request = ProviderRequest(url: "https://shop.example/admin/api/2026-01/orders.json?page_info=secret")

    @Test func retriesServerErrorsAndNetworkErrorsThenSucceeds() async throws {
        let transport = ScriptedTransport([
            .answer(ProviderResponse(status: 503)), .fail("connection reset"), .answer(ProviderResponse(status: 502)),
            .answer(ProviderResponse(status: 200, body: Array("{}".utf8))),
        ])
        let client = Self.client(transport)
        let response = try await client.send(Self.request)
        #expect(response.status == 200)
        #expect(client.requests == 4)
        #expect(client.retries == 3)
    }

    @Test func honoursRetryAfterOn429() async throws {
        let transport = ScriptedTransport([
            .answer(ProviderResponse(status: 429, headers: ["retry-after": "0.01"])),
            .answer(ProviderResponse(status: 200)),
        ])
        let client = Self.client(transport)
        let begin = Threads.monotonicSeconds()
        #expect(try await client.send(Self.request).status == 200)
        #expect(Threads.monotonicSeconds() - begin >= 0.01)
        #expect(client.retries == 1)
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let transport = ScriptedTransport([
            .answer(ProviderResponse(status: 401)), .answer(ProviderResponse(status: 200)),
        ])
        let client = Self.client(transport)
        #expect(try await client.send(Self.request).status == 401)
        #expect(client.requests == 1)
    }

    @Test func givingUpReportsPathAttemptsAndStatusButNoQuery() async throws {
        let transport = ScriptedTransport(Array(repeating: .answer(ProviderResponse(status: 500)), count: 5))
        let client = Self.client(transport, attempts: 3)
        do {
            _ = try await client.send(Self.request)
            Issue.record("expected a failure")
        } catch {
            #expect(error.connector == "shopify")
            #expect(error.path == "/admin/api/2026-01/orders.json")
            #expect(error.status == 500)
            #expect(error.attempts == 3)
            #expect(!error.description.contains("secret"))
        }
        #expect(transport.seen.count == 3)
    }

    @Test func aPastDeadlineSendsNothing() async throws {
        let transport = ScriptedTransport([.answer(ProviderResponse(status: 200))])
        let client = Self.client(transport, deadline: -1)
        await #expect(throws: SyncFailure.self) { try await client.send(Self.request) }
        #expect(transport.seen.isEmpty)
    }

    @Test func aRetryAfterBeyondTheDeadlineFailsAtOnce() async throws {
        let transport = ScriptedTransport([.answer(ProviderResponse(status: 429, headers: ["retry-after": "3600"]))])
        let client = Self.client(transport, deadline: 600)
        do {
            _ = try await client.send(Self.request)
            Issue.record("expected a failure")
        } catch {
            // It fails without waiting the hour: the message names the wait it refused.
            #expect(error.message == "sync deadline reached (next attempt in 3600 s)")
        }
        #expect(transport.seen.count == 1)
    }
}
