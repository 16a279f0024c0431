import CRMPush
import OrderCore
import TestSupport
import Testing

/// What HubSpotPusher sends and what it makes of HubSpot's answers, good, partial, refused and broken.
@Suite struct HubSpotPusherTests {
    static let token = "pat-na1-secret-token"

    static func pusher(
        _ steps: [ScriptedTransport.Step], clock: FakeClock = FakeClock(), batchSize: Int = 100,
        limiter: CRMRateLimiter.Configuration = .hubSpot
    ) throws -> (HubSpotPusher, ScriptedTransport) {
        let transport = ScriptedTransport(steps)
        let configuration = try #require(
            HubSpotConfiguration(baseURL: "https://api.hubapi.example/", token: token, batchSize: batchSize))
        return (
            HubSpotPusher(configuration: configuration, transport: transport, clock: clock, limiter: limiter), transport
        )
    }

    /// A 200/207 results entry for delivery `n`.
    static func result(_ n: Int64, trace: Bool = true, email: String? = nil) -> String {
        let traceMember = trace ? "\"objectWriteTraceId\":\"\(n)\"," : ""
        return
            "{\"id\":\"\(900 + n)\",\"new\":false,\(traceMember)\"properties\":{\"email\":\"\(email ?? "user\(n)@example.org")\"}}"
    }

    @Test func upsertRequestIsExactlyThis() async throws {
        let (pusher, transport) = try Self.pusher([answer(200, "{\"status\":\"COMPLETE\",\"results\":[]}")])
        _ = try await pusher.push([CRMDelivery(id: 41, customerID: "c1", version: 3, customer: ana)])
        let request = try #require(transport.seen.first)
        #expect(request.method == "POST")
        #expect(request.url == "https://api.hubapi.example/crm/v3/objects/contacts/batch/upsert")
        #expect(request.header("authorization") == "Bearer \(Self.token)")
        #expect(request.header("content-type") == "application/json")
        #expect(
            text(request.body)
                == #"{"inputs":[{"id":"ana.ruiz@example.org","idProperty":"email","objectWriteTraceId":"41","#
                + #""properties":{"address":"Calle 1\nPiso 2","city":"Madrid","company":"","country":"ES","#
                + #""email":"ana.ruiz@example.org","firstname":"Ana","lastname":"Ruiz","phone":"","state":"","#
                + #""zip":"28001"}}]}"#)
    }

    @Test func a200DeliversEveryInputWithItsHubSpotID() async throws {
        let body = "{\"status\":\"COMPLETE\",\"results\":[\(Self.result(2)),\(Self.result(1))]}"
        let (pusher, _) = try Self.pusher([answer(200, body)])
        let result = try await pusher.push([delivery(1), delivery(2)])
        #expect(result.outcomes == [1: .delivered(remoteID: "901"), 2: .delivered(remoteID: "902")])
        #expect(result.pause == nil)
        #expect(result.requests == 1)
        #expect(result.breakerEvent == .succeeded)
    }

    /// Results and errors come in any order; each is matched by trace id, else by email; an input the
    /// answer does not mention stays transient.
    @Test func a207IsMatchedPerInputWhateverItsOrder() async throws {
        let errors = [
            // Matched by its own trace id.
            #"{"status":"error","category":"VALIDATION_ERROR","subCategory":"INVALID_EMAIL","objectWriteTraceId":"3","#
                + #""message":"Email address user3@example.org is invalid","errors":[{"code":"INVALID_EMAIL","message":"x"}]}"#,
            // Matched by the trace ids its context lists.
            #"{"status":"error","category":"RATE_LIMITS","message":"slow down","context":{"objectWriteTraceId":["4"]}}"#,
            // Matched by the email its context lists (upper case on HubSpot's side).
            #"{"status":"error","category":"CONFLICT","message":"merged contact","context":{"email":["USER5@example.org"]}}"#,
        ]
        let results = [Self.result(2), Self.result(1, trace: false, email: "User1@Example.org")]
        for seed in UInt64(0)..<8 {
            var generator = SeededGenerator(seed: seed)
            let body =
                "{\"status\":\"COMPLETE\",\"numErrors\":3,"
                + "\"results\":[\(results.shuffled(using: &generator).joined(separator: ","))],"
                + "\"errors\":[\(errors.shuffled(using: &generator).joined(separator: ","))]}"
            let (pusher, _) = try Self.pusher([answer(207, body)])
            let deliveries = (Int64(1)...6).shuffled(using: &generator).map { delivery($0) }
            let result = try await pusher.push(deliveries)

            #expect(result.outcomes[1] == .delivered(remoteID: "901"))
            #expect(result.outcomes[2] == .delivered(remoteID: "902"))
            #expect(
                result.outcomes[3]
                    == .permanent(
                        CRMRefusal(
                            status: 207, code: "VALIDATION_ERROR/INVALID_EMAIL/INVALID_EMAIL",
                            message: "Email address user3@example.org is invalid")))
            #expect(result.outcomes[4]?.isTransient == true)
            #expect(result.outcomes[4]?.reason?.contains("RATE_LIMITS") == true)
            #expect(
                result.outcomes[5] == .permanent(CRMRefusal(status: 207, code: "CONFLICT", message: "merged contact")))
            #expect(result.outcomes[6]?.isTransient == true)
            #expect(result.outcomes[6]?.reason?.contains("did not mention") == true)
            #expect(result.unsent(of: deliveries).isEmpty)
        }
    }

    @Test func resultsThatNameNoInputOrRepeatOneAreIgnored() async throws {
        let body =
            "{\"results\":[\(Self.result(1)),{\"id\":\"7\",\"objectWriteTraceId\":\"1\"},"
            + "{\"id\":\"8\",\"objectWriteTraceId\":\"99\"},17,null,{\"properties\":[]}]}"
        let (pusher, _) = try Self.pusher([answer(200, body)])
        let result = try await pusher.push([delivery(1), delivery(2)])
        #expect(result.outcomes[1] == .delivered(remoteID: "901"))
        #expect(result.outcomes[2]?.isTransient == true)
    }

    @Test func anUnmatchedErrorIsNamedInTheReasonOfTheInputsLeftOver() async throws {
        let body =
            #"{"results":[],"errors":[{"category":"VALIDATION_ERROR","message":"Property \"foo\" does not exist"}]}"#
        let (pusher, _) = try Self.pusher([answer(207, body)])
        let result = try await pusher.push([delivery(1)])
        #expect(result.outcomes[1]?.isTransient == true)
        #expect(result.outcomes[1]?.reason?.contains("Property \"foo\" does not exist") == true)
    }

    /// One bad input can fail the whole batch with 400: each input is then sent alone.
    @Test func aBatch400IsSplitAndEachInputSentAlone() async throws {
        let bad = #"{"status":"error","message":"Property values were not valid","category":"VALIDATION_ERROR"}"#
        let (pusher, transport) = try Self.pusher([
            answer(400, bad),
            answer(200, "{\"results\":[\(Self.result(1))]}"),
            answer(400, bad),
            answer(200, "{\"results\":[\(Self.result(3))]}"),
        ])
        let result = try await pusher.push([delivery(1), delivery(2), delivery(3)])
        #expect(result.outcomes[1] == .delivered(remoteID: "901"))
        #expect(
            result.outcomes[2]
                == .permanent(
                    CRMRefusal(status: 400, code: "VALIDATION_ERROR", message: "Property values were not valid")))
        #expect(result.outcomes[3] == .delivered(remoteID: "903"))
        #expect(result.requests == 4)
        let traces = transport.seen.map { text($0.body) }.map { body in
            (1...3).filter { body.contains("\"objectWriteTraceId\":\"\($0)\"") }
        }
        #expect(traces == [[1, 2, 3], [1], [2], [3]])
    }

    @Test func aRefusalThatIsNoJSONKeepsItsFirstBytes() async throws {
        let (pusher, _) = try Self.pusher([answer(400, "<html>\u{1B}[31mBad Request</html>")])
        let result = try await pusher.push([delivery(1)])
        #expect(
            result.outcomes[1]
                == .permanent(CRMRefusal(status: 400, code: "HTTP_400", message: "<html> [31mBad Request</html>")))
    }

    /// A refused token would fail every record alike: the CRM is paused, nothing is dead-lettered, and
    /// nothing more is sent.
    @Test func a401PausesTheCRMAndLeavesEverythingUnsent() async throws {
        let (pusher, transport) = try Self.pusher(
            [
                answer(
                    401,
                    #"{"status":"error","message":"Authentication credentials not found.","category":"INVALID_AUTHENTICATION"}"#
                )
            ],
            batchSize: 1)
        let deliveries = [
            delivery(1), delivery(2),
            CRMDelivery(id: 3, customerID: "c3", version: 2, customer: nil, lastEmail: "x@y.org"),
        ]
        let result = try await pusher.push(deliveries)
        #expect(result.outcomes.isEmpty)
        #expect(result.pause?.reason == "HubSpot refused the token (401)")
        #expect(result.pause?.seconds == 900)
        #expect(result.unsent(of: deliveries) == [1, 2, 3])
        #expect(transport.seen.count == 1)
        #expect(result.breakerEvent == .paused(seconds: 900))
    }

    @Test func a403PausesWithHubSpotsMessage() async throws {
        let (pusher, _) = try Self.pusher([
            answer(
                403,
                #"{"status":"error","message":"This app hasn't been granted all required scopes","category":"MISSING_SCOPES"}"#
            )
        ])
        let result = try await pusher.push([delivery(1)])
        #expect(result.outcomes.isEmpty)
        #expect(result.pause?.reason.contains("MISSING_SCOPES") == true)
    }

    @Test func aMissingEndpointPausesInsteadOfDeadLetteringEveryone() async throws {
        let (pusher, _) = try Self.pusher([answer(404, "Not Found")])
        let result = try await pusher.push([delivery(1), delivery(2)])
        #expect(result.outcomes.isEmpty)
        #expect(result.pause?.reason.contains("check the base URL") == true)
    }

    /// TEN_SECONDLY_ROLLING: transient, retry after the window the headers name; the limiter holds the
    /// next request back until then (on the fake clock: a sleep of 10 s).
    @Test func a429SecondlyWaitsOutTheWindow() async throws {
        let clock = FakeClock()
        let limited =
            #"{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","policyName":"TEN_SECONDLY_ROLLING"}"#
        let (pusher, transport) = try Self.pusher(
            [
                answer(429, limited, headers: ["x-hubspot-ratelimit-interval-milliseconds": "10000"]),
                answer(200, "{\"results\":[\(Self.result(1))]}"),
            ], clock: clock)
        let first = try await pusher.push([delivery(1)])
        #expect(first.outcomes[1] == .transient(reason: "rate limited (429 TEN_SECONDLY_ROLLING)", retryAfter: 10))
        #expect(first.pause == nil)
        #expect(first.breakerEvent == .failed)
        #expect(pusher.limiterState.delay(now: clock.now()) == 10)

        let second = try await pusher.push([delivery(1)])
        #expect(second.outcomes[1] == .delivered(remoteID: "901"))
        #expect(clock.sleeps == [10])
        #expect(transport.seen.count == 2)
    }

    @Test func a429HonoursRetryAfter() async throws {
        let (pusher, _) = try Self.pusher([
            answer(429, "{\"policyName\":\"TEN_SECONDLY_ROLLING\"}", headers: ["retry-after": "3"])
        ])
        let result = try await pusher.push([delivery(1)])
        #expect(result.outcomes[1] == .transient(reason: "rate limited (429 TEN_SECONDLY_ROLLING)", retryAfter: 3))
    }

    @Test func a429WithoutPolicyOrHeadersWaitsTenSeconds() async throws {
        let (pusher, _) = try Self.pusher([answer(429, "slow down")])
        let result = try await pusher.push([delivery(1)])
        #expect(result.outcomes[1] == .transient(reason: "rate limited (429 without a policy)", retryAfter: 10))
    }

    /// DAILY: the quota is gone until the account's midnight; a pause, not a retry storm.
    @Test func a429DailyPausesUntilTheAccountsMidnight() async throws {
        let clock = FakeClock(1_767_225_600 + 15 * 3_600)  // 2026-01-01T15:00:00Z
        var limiter = CRMRateLimiter.Configuration.hubSpot
        limiter.utcOffset = -5 * 3_600  // the account is in New York: its midnight is 05:00Z
        let daily =
            #"{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","policyName":"DAILY"}"#
        let (pusher, _) = try Self.pusher([answer(429, daily)], clock: clock, limiter: limiter)
        let result = try await pusher.push([delivery(1), delivery(2)])
        #expect(result.outcomes.isEmpty)
        #expect(result.pause == CRMPause(reason: "HubSpot's daily limit is spent (429 DAILY)", seconds: 14 * 3_600))
        #expect(pusher.limiterState.delay(now: clock.now()) == 14 * 3_600)

        // The next push does not wait 14 hours inline: it pauses at once, sending nothing.
        let next = try await pusher.push([delivery(3)])
        #expect(next.pause?.seconds == 14.0 * 3_600)
        #expect(next.requests == 0)
        #expect(clock.sleeps.isEmpty)
    }

    @Test func serverErrorsAndNetworkFailuresAreTransient() async throws {
        let (pusher, _) = try Self.pusher(
            [
                answer(503, "upstream", headers: ["retry-after": "7"]), .fail("connection reset"), answer(302, ""),
            ], batchSize: 1)
        let result = try await pusher.push([delivery(1), delivery(2), delivery(3)])
        #expect(result.outcomes[1] == .transient(reason: "HubSpot answered 503", retryAfter: 7))
        #expect(result.outcomes[2] == .transient(reason: "no answer: connection reset", retryAfter: nil))
        #expect(result.outcomes[3] == .transient(reason: "unexpected status 302", retryAfter: nil))
        #expect(result.breakerEvent == .failed)
    }

    /// A 200 whose body cannot be read proves nothing: every input stays transient (an upsert is
    /// idempotent, so sending it again is safe).
    @Test func brokenAnswersLeaveEveryInputTransient() async throws {
        let huge = "{\"results\":[" + String(repeating: "\(Self.result(1)),", count: 60_000) + "\(Self.result(1))]}"
        let cases: [(String, String)] = [
            ("", "empty answer"),
            ("<html>gateway</html>", "not JSON"),
            ("{\"results\":[\(Self.result(1))", "not JSON"),
            ("[1,2]", "an array, not an object"),
            ("{\"results\":{}}", "results is an object"),
            ("{\"results\":[],\"errors\":\"x\"}", "errors is a string"),
            (String(repeating: "[", count: 10_000), "not JSON"),
            (huge, "larger than"),
        ]
        for (body, reason) in cases {
            let (pusher, _) = try Self.pusher([answer(200, body)])
            let result = try await pusher.push([delivery(1), delivery(2)])
            #expect(result.outcomes.count == 2, "\(body.prefix(40))")
            for outcome in result.outcomes.values {
                #expect(outcome.isTransient, "\(body.prefix(40))")
                #expect(outcome.reason?.contains(reason) == true, "\(body.prefix(40)): \(outcome)")
            }
        }
    }

    @Test func hostileMessagesAreClippedAndLoseTheirControlCharacters() async throws {
        let message = String(repeating: "a\\nb", count: 500)
        let (pusher, _) = try Self.pusher([answer(400, "{\"category\":\"X\",\"message\":\"\(message)\"}")])
        let result = try await pusher.push([delivery(1)])
        guard case .permanent(let refusal)? = result.outcomes[1] else {
            Issue.record("not refused: \(String(describing: result.outcomes[1]))")
            return
        }
        #expect(refusal.message.count == 301)
        #expect(!refusal.message.contains("\n"))
    }

    @Test func deletesGoByEmailAndAContactAlreadyGoneIsDelivered() async throws {
        let (pusher, transport) = try Self.pusher([
            answer(204), answer(404, "{\"message\":\"not found\"}"), answer(400, "{}"),
        ])
        let deliveries = [
            CRMDelivery(id: 1, customerID: "c1", version: 4, customer: nil, lastEmail: " Ana+Tag@Example.org"),
            CRMDelivery(id: 2, customerID: "c2", version: 2, customer: nil, lastEmail: "b@example.org"),
            CRMDelivery(id: 3, customerID: "c3", version: 2, customer: nil, lastEmail: "c@example.org"),
            CRMDelivery(id: 4, customerID: "c4", version: 2, customer: nil),
        ]
        let result = try await pusher.push(deliveries)
        #expect(transport.seen.first?.method == "DELETE")
        #expect(
            transport.seen.first?.url
                == "https://api.hubapi.example/crm/v3/objects/contacts/ana%2Btag%40example.org?idProperty=email")
        #expect(transport.seen.first?.body == nil)
        #expect(result.outcomes[1] == .delivered(remoteID: nil))
        #expect(result.outcomes[2] == .delivered(remoteID: nil))
        #expect(result.outcomes[3] == .permanent(CRMRefusal(status: 400, code: "HTTP_400", message: "no message")))
        #expect(
            result.outcomes[4]
                == .permanent(
                    CRMRefusal(status: nil, code: "NO_EMAIL", message: "no email: HubSpot finds a contact by its email")
                ))
        #expect(transport.seen.count == 3)
    }

    @Test func twoDeliveriesOfOneCustomerAreRefusedBeforeAnythingIsSent() async throws {
        let (pusher, transport) = try Self.pusher([answer(200, "{}")])
        let twice = CRMDelivery(id: 9, customerID: "c1", version: 2, customer: nil, lastEmail: "x@y.org")
        await #expect(throws: CRMPushError.duplicateCustomer("c1")) {
            try await pusher.push([delivery(1), delivery(2), twice])
        }
        #expect(transport.seen.isEmpty)
    }

    @Test func aSecondCustomerWithTheSameEmailWaitsForTheNextRound() async throws {
        let (pusher, transport) = try Self.pusher([answer(200, "{\"results\":[\(Self.result(1))]}")])
        let deliveries = [delivery(1), delivery(2, email: "USER1@example.org")]
        let result = try await pusher.push(deliveries)
        #expect(result.unsent(of: deliveries) == [2])
        let body = text(transport.seen.first?.body)
        #expect(!body.contains("\"objectWriteTraceId\":\"2\""))
    }

    @Test func upsertsGoInBatchesOfTheConfiguredSize() async throws {
        let (pusher, transport) = try Self.pusher(
            Array(repeating: answer(200, "{\"results\":[]}"), count: 3), batchSize: 100)
        let result = try await pusher.push((1...250).map { delivery($0) })
        let sizes = transport.seen.map { request in text(request.body).ranges(of: "objectWriteTraceId").count }
        #expect(sizes == [100, 100, 50])
        #expect(result.outcomes.count == 250)
    }

    /// The bucket lets 10 go at once, then 9 per second: the 11th and 12th wait 1/9 s each.
    @Test func requestsArePacedByTheLimiter() async throws {
        let clock = FakeClock()
        let (pusher, transport) = try Self.pusher(Array(repeating: answer(204), count: 12), clock: clock)
        let deletes = (1...12).map {
            CRMDelivery(id: $0, customerID: "c\($0)", version: 1, customer: nil, lastEmail: "u\($0)@x.org")
        }
        let result = try await pusher.push(deletes)
        #expect(result.outcomes.count == 12)
        #expect(transport.seen.count == 12)
        #expect(clock.sleeps.count == 2)
        // Unix seconds near 1.8e9 carry about 2e-7 s of precision.
        #expect(clock.sleeps.allSatisfy { abs($0 - 1.0 / 9) < 1e-6 })
    }

    @Test func aNearlySpentWindowHoldsTheNextRequestBack() async throws {
        let clock = FakeClock()
        let headers = [
            "x-hubspot-ratelimit-remaining": "1", "x-hubspot-ratelimit-max": "100",
            "x-hubspot-ratelimit-interval-milliseconds": "10000",
        ]
        let (pusher, _) = try Self.pusher([answer(204, headers: headers), answer(204)], clock: clock)
        let deletes = (1...2).map {
            CRMDelivery(id: $0, customerID: "c\($0)", version: 1, customer: nil, lastEmail: "u\($0)@x.org")
        }
        let result = try await pusher.push(deletes)
        #expect(result.outcomes.count == 2)
        #expect(clock.sleeps == [10])
    }

    @Test func theTokenNeverAppearsInAReasonOrAPause() async throws {
        let (pusher, _) = try Self.pusher(
            [answer(401, "{\"message\":\"bad token \(Self.token)\"}"), answer(500), .fail("reset")], batchSize: 1)
        let result = try await pusher.push([delivery(1)])
        #expect(result.pause?.reason.contains(Self.token) == false)
    }

    @Test func configurationIsChecked() {
        #expect(HubSpotConfiguration(token: "t") != nil)
        #expect(HubSpotConfiguration(token: "") == nil)
        #expect(HubSpotConfiguration(token: "t\r\nX-Evil: 1") == nil)
        #expect(HubSpotConfiguration(token: "t", batchSize: 101) == nil)
        #expect(HubSpotConfiguration(token: "t", batchSize: 0) == nil)
        #expect(HubSpotConfiguration(baseURL: "ftp://api.hubapi.com", token: "t") == nil)
        #expect(HubSpotConfiguration(baseURL: "https://user@api.hubapi.com", token: "t") == nil)
        #expect(HubSpotConfiguration(baseURL: "https://api.hubapi.com/?x=1", token: "t") == nil)
        #expect(HubSpotConfiguration(baseURL: "https://", token: "t") == nil)
        #expect(HubSpotConfiguration(baseURL: "http://127.0.0.1:8081/", token: "t")?.baseURL == "http://127.0.0.1:8081")
    }
}
