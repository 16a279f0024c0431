import CRMPush
import OrderCore
import Synchronization
import Testing

/// What SalesforcePusher sends, how it keeps its token, and what it makes of Salesforce's answers.
@Suite struct SalesforcePusherTests {
    static let secret = "consumer-secret&="
    static let tokenAnswer =
        #"{"access_token":"00Dxx!AR8.first","instance_url":"https://acme.my.salesforce.example/","id":"https://login/id/00D/005","token_type":"Bearer","issued_at":"1"}"#
    static let secondToken =
        #"{"access_token":"00Dxx!AR8.second","instance_url":"https://acme.my.salesforce.example","token_type":"Bearer"}"#
    static let expired = #"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#

    static func configuration(batchSize: Int = 200) throws -> SalesforceConfiguration {
        try #require(
            SalesforceConfiguration(
                loginURL: "https://acme.my.salesforce.example", clientID: "consumer key", clientSecret: secret,
                apiVersion: "62.0", externalIDField: "Ordersync_Id__c", batchSize: batchSize))
    }

    static func pusher(
        _ steps: [ScriptedTransport.Step], clock: FakeClock = FakeClock(), batchSize: Int = 200,
        limiter: CRMRateLimiter.Configuration = .salesforce
    ) throws -> (SalesforcePusher, ScriptedTransport) {
        let transport = ScriptedTransport(steps)
        let pusher = SalesforcePusher(
            configuration: try configuration(batchSize: batchSize), transport: transport, clock: clock, limiter: limiter
        )
        return (pusher, transport)
    }

    static func success(_ id: String, created: Bool = false) -> String {
        "{\"id\":\"\(id)\",\"success\":true,\"errors\":[],\"created\":\(created)}"
    }

    @Test func tokenThenCollectionUpsertAreExactlyThese() async throws {
        let (pusher, transport) = try Self.pusher([
            answer(200, Self.tokenAnswer), answer(200, "[\(Self.success("003A", created: true))]"),
        ])
        let result = try await pusher.push([CRMDelivery(id: 41, customerID: "c1", version: 3, customer: ana)])
        #expect(result.outcomes == [41: .delivered(remoteID: "003A")])

        let token = transport.seen[0]
        #expect(token.method == "POST")
        #expect(token.url == "https://acme.my.salesforce.example/services/oauth2/token")
        #expect(token.header("content-type") == "application/x-www-form-urlencoded")
        #expect(
            text(token.body)
                == "grant_type=client_credentials&client_id=consumer%20key&client_secret=consumer-secret%26%3D")

        let upsert = transport.seen[1]
        #expect(upsert.method == "PATCH")
        #expect(
            upsert.url
                == "https://acme.my.salesforce.example/services/data/v62.0/composite/sobjects/Contact/Ordersync_Id__c")
        #expect(upsert.header("authorization") == "Bearer 00Dxx!AR8.first")
        #expect(upsert.header("content-type") == "application/json")
        #expect(
            text(upsert.body)
                == #"{"allOrNone":false,"records":[{"Email":"Ana.Ruiz@Example.org","FirstName":"Ana","LastName":"Ruiz","#
                + #""MailingCity":"Madrid","MailingCountry":"ES","MailingPostalCode":"28001","MailingState":null,"#
                + #""MailingStreet":"Calle 1\nPiso 2","Ordersync_Id__c":"c1","Phone":null,"attributes":{"type":"Contact"}}]}"#
        )
    }

    @Test func theTokenIsFetchedOnceAndKept() async throws {
        let (pusher, transport) = try Self.pusher([
            answer(200, Self.tokenAnswer), answer(200, "[\(Self.success("1"))]"), answer(200, "[\(Self.success("2"))]"),
        ])
        _ = try await pusher.push([delivery(1)])
        _ = try await pusher.push([delivery(2)])
        #expect(pusher.tokens.fetches == 1)
        #expect(transport.seen.map(\.method) == ["POST", "PATCH", "PATCH"])
    }

    /// An expired session: a new token, and the same request once more with it.
    @Test func a401FetchesANewTokenAndReplaysOnce() async throws {
        let (pusher, transport) = try Self.pusher([
            answer(200, Self.tokenAnswer), answer(401, Self.expired), answer(200, Self.secondToken),
            answer(200, "[\(Self.success("003B"))]"),
        ])
        let result = try await pusher.push([delivery(1)])
        #expect(result.outcomes == [1: .delivered(remoteID: "003B")])
        #expect(pusher.tokens.fetches == 2)
        #expect(result.requests == 2)
        let seen = transport.seen
        #expect(seen.map(\.method) == ["POST", "PATCH", "POST", "PATCH"])
        #expect(seen[1].body == seen[3].body)
        #expect(seen[3].header("authorization") == "Bearer 00Dxx!AR8.second")
    }

    /// A fresh token refused too: the CRM is paused, not every record dead-lettered; no third try.
    @Test func a401AfterTheReplayPausesTheCRM() async throws {
        let (pusher, transport) = try Self.pusher([
            answer(200, Self.tokenAnswer), answer(401, Self.expired), answer(200, Self.secondToken),
            answer(401, Self.expired), answer(200, Self.tokenAnswer),
        ])
        let deliveries = [delivery(1), CRMDelivery(id: 2, customerID: "c2", version: 2, customer: nil)]
        let result = try await pusher.push(deliveries)
        #expect(result.outcomes.isEmpty)
        #expect(
            result.pause == CRMPause(reason: "Salesforce refused a fresh token (401 INVALID_SESSION_ID)", seconds: 900))
        #expect(result.unsent(of: deliveries) == [1, 2])
        #expect(transport.seen.count == 4)
    }

    @Test func refusedCredentialsPauseWithOAuthsError() async throws {
        let refused = #"{"error":"invalid_client","error_description":"invalid client credentials"}"#
        let (pusher, transport) = try Self.pusher([answer(400, refused)])
        let result = try await pusher.push([delivery(1), delivery(2)])
        #expect(result.outcomes.isEmpty)
        #expect(
            result.pause?.reason
                == "Salesforce refused the app's credentials (400 invalid_client: invalid client credentials)")
        #expect(transport.seen.count == 1)
        #expect(result.pause?.reason.contains(Self.secret) == false)
    }

    @Test func aTokenThatCannotBeHadIsTransientForEveryRecord() async throws {
        let broken = [
            answer(503, "maintenance"),
            .fail("connection refused"),
            answer(200, "{\"access_token\":\"x\"}"),
            answer(200, "{\"access_token\":\"\",\"instance_url\":\"https://a.example\"}"),
            answer(200, "{\"access_token\":\"a b\",\"instance_url\":\"https://a.example\"}"),
            // The bearer token must not go to a plain-text host, nor to a URL with a query or user info.
            answer(200, "{\"access_token\":\"x\",\"instance_url\":\"http://a.example\"}"),
            answer(200, "{\"access_token\":\"x\",\"instance_url\":\"https://a.example?x=1\"}"),
            answer(200, "{\"access_token\":\"x\",\"instance_url\":\"https://evil@a.example\"}"),
            answer(200, "<html>"),
            answer(200, "{\"access_token\":\"x\",\"instance_url\":\"https://a.example\""),
        ]
        for step in broken {
            let (pusher, transport) = try Self.pusher([step])
            let result = try await pusher.push([delivery(1), delivery(2)])
            #expect(result.pause == nil, "\(step)")
            #expect(result.outcomes.count == 2, "\(step)")
            #expect(result.outcomes.values.allSatisfy { $0.isTransient }, "\(step)")
            #expect(transport.seen.count == 1, "\(step)")
        }
    }

    /// Results come in the order of the records; each failure keeps Salesforce's code and message.
    @Test func collectionResultsBecomeOutcomesInOrder() async throws {
        let results = [
            Self.success("003A", created: true),
            #"{"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [LastName]","fields":["LastName"]}]}"#,
            #"{"success":false,"errors":[{"statusCode":"UNABLE_TO_LOCK_ROW","message":"unable to obtain exclusive access to this record"}]}"#,
            #"{"success":false,"errors":[]}"#,
            "17",
            Self.success("003F"),
        ]
        let (pusher, _) = try Self.pusher([
            answer(200, Self.tokenAnswer), answer(200, "[\(results.joined(separator: ","))]"),
        ])
        let result = try await pusher.push((1...6).map { delivery($0) })
        #expect(result.outcomes[1] == .delivered(remoteID: "003A"))
        #expect(
            result.outcomes[2]
                == .permanent(
                    CRMRefusal(
                        status: 200, code: "REQUIRED_FIELD_MISSING",
                        message: "Required fields are missing: [LastName] (fields: LastName)")))
        #expect(
            result.outcomes[3]
                == .transient(
                    reason: "200 UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record", retryAfter: nil)
        )
        #expect(
            result.outcomes[4]
                == .permanent(CRMRefusal(status: 200, code: "UNKNOWN", message: "refused without an error")))
        #expect(result.outcomes[5]?.isTransient == true)
        #expect(result.outcomes[6] == .delivered(remoteID: "003F"))
        #expect(result.breakerEvent == .succeeded)
    }

    @Test func brokenCollectionAnswersLeaveEveryRecordTransient() async throws {
        let huge = "[" + String(repeating: "\(Self.success("x")),", count: 80_000) + "\(Self.success("x"))]"
        let cases: [(String, String)] = [
            ("", "empty answer"),
            ("[\(Self.success("1"))]", "1 results for 2 records"),
            ("[\(Self.success("1")),\(Self.success("2")),\(Self.success("3"))]", "3 results for 2 records"),
            ("{\"records\":[]}", "not an array"),
            ("[\(Self.success("1")),", "not JSON"),
            (huge, "larger than"),
        ]
        for (body, reason) in cases {
            let (pusher, _) = try Self.pusher([answer(200, Self.tokenAnswer), answer(200, body)])
            let result = try await pusher.push([delivery(1), delivery(2)])
            #expect(result.outcomes.count == 2, "\(body.prefix(40))")
            for outcome in result.outcomes.values {
                #expect(outcome.reason?.contains(reason) == true, "\(body.prefix(40)): \(outcome)")
            }
        }
    }

    @Test func aWholeRequest400IsSplitIntoOneRecordEach() async throws {
        let malformed = #"[{"message":"Cannot deserialize instance of date","errorCode":"JSON_PARSER_ERROR"}]"#
        let (pusher, transport) = try Self.pusher([
            answer(200, Self.tokenAnswer), answer(400, malformed), answer(200, "[\(Self.success("1"))]"),
            answer(400, malformed),
        ])
        let result = try await pusher.push([delivery(1), delivery(2)])
        #expect(result.outcomes[1] == .delivered(remoteID: "1"))
        #expect(
            result.outcomes[2]
                == .permanent(
                    CRMRefusal(status: 400, code: "JSON_PARSER_ERROR", message: "Cannot deserialize instance of date")))
        #expect(transport.seen.count == 4)
    }

    /// The org's daily quota: pause the CRM (and hold the limiter) instead of retrying into it.
    @Test func requestLimitExceededPausesForTheQuotaPause() async throws {
        let clock = FakeClock()
        let limited = #"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#
        let (pusher, transport) = try Self.pusher([answer(200, Self.tokenAnswer), answer(403, limited)], clock: clock)
        let result = try await pusher.push([delivery(1)])
        #expect(result.outcomes.isEmpty)
        #expect(
            result.pause
                == CRMPause(
                    reason: "Salesforce's daily API quota is spent (403 REQUEST_LIMIT_EXCEEDED)", seconds: 3_600))
        #expect(pusher.limiterState.delay(now: clock.now()) == 3_600)
        let next = try await pusher.push([delivery(2)])
        #expect(next.pause?.seconds == 3_600)
        #expect(transport.seen.count == 2)
    }

    @Test func anotherForbiddenPausesWithSalesforcesWords() async throws {
        let forbidden =
            #"[{"message":"The REST API is not enabled for this Organization.","errorCode":"API_DISABLED_FOR_ORG"}]"#
        let (pusher, _) = try Self.pusher([answer(200, Self.tokenAnswer), answer(403, forbidden)])
        let result = try await pusher.push([delivery(1)])
        #expect(result.pause?.reason.contains("API_DISABLED_FOR_ORG") == true)
    }

    @Test func serverErrorsRateLimitsAndNetworkFailuresAreTransient() async throws {
        let (pusher, _) = try Self.pusher(
            [
                answer(200, Self.tokenAnswer),
                answer(503, #"[{"message":"down","errorCode":"SERVER_UNAVAILABLE"}]"#, headers: ["retry-after": "120"]),
                answer(429, "", headers: ["retry-after": "99999999"]), .fail("timed out"),
            ], batchSize: 1)
        let result = try await pusher.push([delivery(1), delivery(2), delivery(3)])
        #expect(result.outcomes[1] == .transient(reason: "Salesforce answered 503 SERVER_UNAVAILABLE", retryAfter: 120))
        #expect(result.outcomes[2] == .transient(reason: "Salesforce answered 429", retryAfter: 86_400))
        #expect(result.outcomes[3] == .transient(reason: "no answer: timed out", retryAfter: nil))
    }

    @Test func deletesGoByExternalID() async throws {
        let (pusher, transport) = try Self.pusher([
            answer(200, Self.tokenAnswer), answer(204), answer(404, #"[{"errorCode":"NOT_FOUND","message":"gone"}]"#),
            answer(
                300, "[\"/services/data/v62.0/sobjects/Contact/003A\",\"/services/data/v62.0/sobjects/Contact/003B\"]"),
            answer(400, #"[{"errorCode":"ENTITY_IS_DELETED","message":"entity is deleted"}]"#),
        ])
        let deletes = ["c 1/2", "c2", "c3", "c4"].enumerated().map {
            CRMDelivery(id: Int64($0.offset + 1), customerID: $0.element, version: 5, customer: nil)
        }
        let result = try await pusher.push(deletes)
        #expect(transport.seen[1].method == "DELETE")
        #expect(
            transport.seen[1].url
                == "https://acme.my.salesforce.example/services/data/v62.0/sobjects/Contact/Ordersync_Id__c/c%201%2F2")
        #expect(transport.seen[1].body == nil)
        #expect(result.outcomes[1] == .delivered(remoteID: nil))
        #expect(result.outcomes[2] == .delivered(remoteID: nil))
        #expect(
            result.outcomes[3]
                == .permanent(
                    CRMRefusal(
                        status: 300, code: "MULTIPLE_CHOICES",
                        message: "several Contacts have this Ordersync_Id__c; nothing was written")))
        #expect(
            result.outcomes[4]
                == .permanent(CRMRefusal(status: 400, code: "ENTITY_IS_DELETED", message: "entity is deleted")))
    }

    @Test func upsertsGoInCollectionsOfTheConfiguredSize() async throws {
        let ok = "[" + Array(repeating: Self.success("x"), count: 200).joined(separator: ",") + "]"
        let rest = "[" + Array(repeating: Self.success("x"), count: 50).joined(separator: ",") + "]"
        let (pusher, transport) = try Self.pusher([answer(200, Self.tokenAnswer), answer(200, ok), answer(200, rest)])
        let result = try await pusher.push((1...250).map { delivery($0) })
        #expect(result.outcomes.count == 250)
        #expect(result.outcomes.values.allSatisfy { $0 == .delivered(remoteID: "x") })
        #expect(transport.seen.dropFirst().map { text($0.body).ranges(of: "\"attributes\"").count } == [200, 50])
    }

    /// `Sforce-Limit-Info` near the limit holds the next request back for the quota pause.
    @Test func reportedUsageNearTheLimitHoldsRequestsBack() async throws {
        var limiter = CRMRateLimiter.Configuration.salesforce
        limiter.dailyReserve = 10  // leave 10 requests of the org's quota to others
        let (pusher, transport) = try Self.pusher(
            [
                answer(200, Self.tokenAnswer),
                answer(200, "[\(Self.success("1"))]", headers: ["sforce-limit-info": "api-usage=4990/5000"]),
            ], limiter: limiter)
        _ = try await pusher.push([delivery(1)])
        let next = try await pusher.push([delivery(2)])
        #expect(next.pause?.reason == "rate limit: Salesforce's daily API quota is spent")
        #expect(transport.seen.count == 2)
    }

    /// Callers that need a token while one is being fetched share that fetch.
    @Test func concurrentCallersShareOneTokenFetch() async throws {
        let transport = GatedTokenTransport(tokenAnswer: Self.tokenAnswer)
        let pusher = SalesforcePusher(configuration: try Self.configuration(), transport: transport, clock: FakeClock())
        let tokens = pusher.tokens
        try await withThrowingTaskGroup(of: SalesforceTokens.Answer.self) { group in
            for _ in 0..<5 { group.addTask { await tokens.session() } }
            // Bounded: 10 s at most for five tasks to line up behind the one fetch.
            for _ in 0..<10_000 where tokens.waiting < 5 { try await Task.sleep(for: .milliseconds(1)) }
            #expect(tokens.waiting == 5)
            transport.open()
            var answers: [SalesforceTokens.Answer] = []
            for try await answer in group { answers.append(answer) }
            #expect(answers.count == 5)
            #expect(Set(answers.map { "\($0)" }).count == 1)
        }
        #expect(tokens.fetches == 1)
        #expect(transport.tokenRequests == 1)
    }

    @Test func configurationIsChecked() {
        func make(
            version: String = "62.0", field: String = "Ext__c", batch: Int = 200, login: String = "https://x.example"
        )
            -> SalesforceConfiguration?
        {
            SalesforceConfiguration(
                loginURL: login, clientID: "k", clientSecret: "s", apiVersion: version, externalIDField: field,
                batchSize: batch)
        }
        #expect(make() != nil)
        #expect(make(version: "46.0") != nil)
        #expect(make(version: "45.0") == nil)
        #expect(make(version: "v62.0") == nil)
        #expect(make(version: "62") == nil)
        #expect(make(version: "62.0.1") == nil)
        #expect(make(field: "Email") == nil)
        #expect(make(field: "attributes") == nil)
        #expect(make(field: "Ext__c/../x") == nil)
        #expect(make(field: "1Ext__c") == nil)
        #expect(make(field: "") == nil)
        #expect(make(batch: 201) == nil)
        #expect(make(login: "https://x.example/?a") == nil)
        #expect(
            SalesforceConfiguration(
                loginURL: "https://x.example", clientID: "", clientSecret: "s", externalIDField: "E__c") == nil)
    }
}

/// Holds every token request until `open`, so a test can line callers up behind one fetch.
final class GatedTokenTransport: CRMTransport {
    let tokenAnswer: String
    private let state = Mutex((open: false, tokenRequests: 0))

    init(tokenAnswer: String) { self.tokenAnswer = tokenAnswer }

    var tokenRequests: Int { state.withLock { $0.tokenRequests } }
    func open() { state.withLock { $0.open = true } }

    func send(_ request: CRMRequest, timeout: Double) async throws(CRMTransportError) -> CRMResponse {
        guard request.url.hasSuffix("/services/oauth2/token") else { throw CRMTransportError("unexpected") }
        state.withLock { $0.tokenRequests += 1 }
        // Bounded: 10 s at most.
        for _ in 0..<10_000 where !state.withLock({ $0.open }) {
            try? await Task.sleep(for: .milliseconds(1))
        }
        return CRMResponse(status: 200, body: Array(tokenAnswer.utf8))
    }
}
