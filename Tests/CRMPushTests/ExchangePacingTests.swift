import CRMPush
import OrderCore
import Synchronization
import TestSupport
import Testing

/// A clock whose sleeps shorter than a millisecond do not move it, as a wall clock read in whole
/// milliseconds behaves (the bench found it: docs/customers.md §12).
final class MillisecondClock: CRMClock {
    private let state = Mutex(1_767_225_600.0)
    func now() -> Double { state.withLock { ($0 * 1_000).rounded(.down) / 1_000 } }
    func sleep(_ seconds: Double) async { if seconds >= 0.001 { state.withLock { $0 += seconds } } }
}

/// CRMExchange's pacing (Sources/CRMPush/CRMExchange.swift): a wait the limiter leaves below a
/// millisecond is no wait, so a coarse clock can never turn it into a pause of the CRM.
@Suite struct ExchangePacingTests {
    @Test func aWaitBelowAMillisecondIsNoPause() async throws {
        // Refilled 2,000 per second after a burst of one: the second batch waits half a millisecond.
        var limiter = CRMRateLimiter.Configuration(burst: 1, perSecond: 2_000)
        limiter.lowRemaining = 0
        let transport = ScriptedTransport([
            answer(200, "{\"status\":\"COMPLETE\",\"results\":[\(HubSpotPusherTests.result(1))]}"),
            answer(200, "{\"status\":\"COMPLETE\",\"results\":[\(HubSpotPusherTests.result(2))]}"),
        ])
        let configuration = try #require(
            HubSpotConfiguration(baseURL: "https://api.hubapi.example", token: "t", batchSize: 1))
        let pusher = HubSpotPusher(
            configuration: configuration, transport: transport, clock: MillisecondClock(), limiter: limiter)
        let result = try await pusher.push([delivery(1), delivery(2)])
        #expect(result.pause == nil)
        #expect(result.outcomes[2] == .delivered(remoteID: "902"))
    }
}
