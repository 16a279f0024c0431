import FakeProviders
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct HubSpotTests {
    static let rateHeaders = [
        "x-hubspot-ratelimit-max", "x-hubspot-ratelimit-remaining", "x-hubspot-ratelimit-interval-milliseconds",
        "x-hubspot-ratelimit-daily", "x-hubspot-ratelimit-daily-remaining", "x-hubspot-ratelimit-secondly",
        "x-hubspot-ratelimit-secondly-remaining",
    ]

    static func results(_ response: RawResponse) -> [[String: Any]] {
        response.object["results"] as? [[String: Any]] ?? []
    }

    @Test func theTokenIsRequiredAndUnauthenticatedCallsCountNothing() throws {
        let fake = try FakeServer()
        let body = CRMBody.hubSpot([("ana@example.org", #"{"firstname":"Ana"}"#)])
        for token in [nil, "wrong", ""] as [String?] {
            let refused = try fake.hubSpotUpsert(body, token: token)
            #expect(refused.status == 401)
            #expect(refused.object["status"] as? String == "error")
            #expect(refused.object["category"] as? String == "INVALID_AUTHENTICATION")
            #expect((refused.object["message"] as? String)?.hasPrefix("Authentication credentials not found") == true)
            #expect(refused.object["correlationId"] is String)
            #expect(refused.headers["x-hubspot-ratelimit-daily-remaining"] == nil)
        }
        let zoho = try fake.post(
            Self.unprefixed, body, headers: ["Authorization: Zoho-oauthtoken pat-fake"])
        #expect(zoho.status == 401)
        let accepted = try fake.hubSpotUpsert(body)
        #expect(accepted.status == 200)
        #expect(Self.rateHeaders.allSatisfy { accepted.headers[$0] != nil })
        #expect(accepted.headers["x-hubspot-ratelimit-daily-remaining"] == "249999")
        #expect(accepted.headers["x-hubspot-ratelimit-interval-milliseconds"] == "10000")
        #expect(try fake.crmContacts("hubspot").count == 1)
    }

    static let unprefixed = "/crm/v3/objects/contacts/batch/upsert"

    @Test func theSamePathsAnswerWithoutThePrefixBesideZoho() throws {
        let fake = try FakeServer()
        let response = try fake.post(
            Self.unprefixed, CRMBody.hubSpot([("bo@example.org", "{}")]), headers: ["Authorization: Bearer pat-fake"])
        #expect(response.status == 200)
        // Zoho's route is untouched.
        let token = try fake.zohoToken()
        #expect(
            try fake.get("/crm/v8/Contacts?fields=Email", headers: ["Authorization: Zoho-oauthtoken \(token)"]).status
                == 200)
    }

    @Test func batchUpsertCreatesByLowerCasedEmailThenUpdates() throws {
        let fake = try FakeServer()
        let first = try fake.hubSpotUpsert(
            #"{"inputs":[{"idProperty":"email","id":"Ana@Example.org","properties":{"firstname":"Ana","lastname":"Ruiz","phone":"+34 600"},"objectWriteTraceId":"outbox-1"},"#
                + #"{"idProperty":"email","id":"bo@example.org","properties":{"firstname":"Bo","ordersync_id":42,"company":null}}]}"#
        )
        #expect(first.status == 200)
        #expect(first.object["status"] as? String == "COMPLETE")
        #expect(first.object["errors"] == nil && first.object["numErrors"] == nil)
        let created = Self.results(first)
        #expect(created.map { $0["id"] as? String } == ["1", "2"])
        #expect(created.allSatisfy { $0["new"] as? Bool == true && $0["archived"] as? Bool == false })
        let ana = try #require(created.first { $0["objectWriteTraceId"] as? String == "outbox-1" })
        let properties = try #require(ana["properties"] as? [String: Any])
        #expect(properties["email"] as? String == "ana@example.org")
        #expect(properties["hs_object_id"] as? String == "1")
        #expect(properties["phone"] as? String == "+34 600")
        #expect(ana["createdAt"] as? String == "2030-03-17T17:46:40.000Z")
        let bo = try #require(
            created.first { ($0["properties"] as? [String: Any])?["email"] as? String == "bo@example.org" })
        #expect((bo["properties"] as? [String: Any])?["ordersync_id"] as? String == "42")
        #expect(bo["objectWriteTraceId"] == nil)

        // Same email in another case: the same object, updated; "" clears a property.
        let second = try fake.hubSpotUpsert(
            CRMBody.hubSpot([("ANA@example.ORG", #"{"lastname":"Ruiz Gil","phone":""}"#)]))
        #expect(second.status == 200)
        let updated = try #require(Self.results(second).first)
        #expect(updated["id"] as? String == "1")
        #expect(updated["new"] as? Bool == false)
        let read = try fake.hubSpotContact("GET", "ana@EXAMPLE.org")
        #expect(read.status == 200)
        let readProperties = try #require(read.object["properties"] as? [String: Any])
        #expect(readProperties["lastname"] as? String == "Ruiz Gil")
        #expect(readProperties["firstname"] as? String == "Ana")
        #expect(
            Set(readProperties.keys) == [
                "createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname",
            ])
        let picked = try fake.get(
            "/hubspot/crm/v3/objects/contacts/1?properties=phone,company", headers: ["Authorization: Bearer pat-fake"])
        #expect(picked.status == 200)
        #expect((picked.object["properties"] as? [String: Any])?["phone"] is NSNull)
        let contacts = try fake.crmContacts("hubspot")
        #expect(contacts.count == 2)
        #expect(contacts.map { $0["id"] as? String } == ["1", "2"])
    }

    @Test func invalidEmailsAndUnknownPropertiesFailAloneWith207() throws {
        let fake = try FakeServer()
        let body = CRMBody.hubSpot([
            ("good@example.org", #"{"firstname":"Good"}"#),
            ("no-at-sign", "{}"),
            ("someone@localhost", "{}"),
            ("reserved@shop.invalid", "{}"),
            ("typo@example.org", #"{"firstnme":"Typo","createdate":"x"}"#),
            ("also.good@example.org", "{}"),
        ])
        let response = try fake.hubSpotUpsert(body)
        #expect(response.status == 207)
        #expect(response.object["numErrors"] as? Int == 4)
        let results = Self.results(response)
        #expect(
            Set(results.compactMap { ($0["properties"] as? [String: Any])?["email"] as? String })
                == ["good@example.org", "also.good@example.org"])
        let errors = try #require(response.object["errors"] as? [[String: Any]])
        var codes: [String: [String]] = [:]
        for error in errors {
            #expect(error["status"] as? String == "error")
            #expect(error["category"] as? String == "VALIDATION_ERROR")
            #expect((error["message"] as? String)?.hasPrefix("Property values were not valid: [") == true)
            let id = try #require(((error["context"] as? [String: Any])?["ids"] as? [String])?.first)
            codes[id] = (error["errors"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        }
        #expect(codes["no-at-sign"] == ["INVALID_EMAIL"])
        #expect(codes["someone@localhost"] == ["INVALID_EMAIL"])
        #expect(codes["reserved@shop.invalid"] == ["INVALID_EMAIL"])
        #expect(Set(codes["typo@example.org"] ?? []) == ["PROPERTY_DOESNT_EXIST", "READ_ONLY_VALUE"])
        #expect(try fake.crmContacts("hubspot").count == 2)
        // The message embeds the property errors as HubSpot does: a JSON array in text.
        let message = try #require(errors.first?["message"] as? String)
        let embedded = try JSONSerialization.jsonObject(
            with: Data(message.dropFirst("Property values were not valid: ".count).utf8))
        #expect((embedded as? [[String: Any]])?.first?["isValid"] as? Bool == false)
    }

    @Test func aBatchHoldsOneToOneHundredDistinctInputs() throws {
        let fake = try FakeServer()
        let hundred = (1...100).map { ("c\($0)@example.org", "{}") }
        #expect(try fake.hubSpotUpsert(CRMBody.hubSpot(hundred)).status == 200)
        let over = try fake.hubSpotUpsert(CRMBody.hubSpot((1...101).map { ("d\($0)@example.org", "{}") }))
        #expect(over.status == 400)
        #expect(over.object["category"] as? String == "VALIDATION_ERROR")
        #expect(try fake.hubSpotUpsert(#"{"inputs":[]}"#).status == 400)
        let duplicate = try fake.hubSpotUpsert(
            CRMBody.hubSpot([("x@example.org", "{}"), ("X@Example.org", #"{"firstname":"X"}"#)]))
        #expect(duplicate.status == 400)
        #expect((duplicate.object["message"] as? String)?.hasPrefix("Duplicate IDs") == true)
        #expect(try fake.crmContacts("hubspot").count == 100)
        let log = try fake.crmRequests("provider=hubspot")
        #expect(log.map { $0["status"] as? Int } == [200, 400, 400, 400])
        #expect(log.map { $0["record_count"] as? Int } == [100, 101, 0, 2])
    }

    @Test func theRollingWindowCountsDownRefusesAndRecovers() throws {
        let fake = try FakeServer {
            $0.hubspot.perTenSeconds = 5
            $0.hubspot.daily = 1_000
        }
        let body = CRMBody.hubSpot([("w@example.org", "{}")])
        var remaining: [String?] = []
        for _ in 0..<5 {
            let response = try fake.hubSpotUpsert(body)
            #expect(response.status == 200)
            remaining.append(response.headers["x-hubspot-ratelimit-remaining"])
            fake.clock.advance(1)
        }
        #expect(remaining == ["4", "3", "2", "1", "0"])
        let refused = try fake.hubSpotUpsert(body)
        #expect(refused.status == 429)
        #expect(refused.object["policyName"] as? String == "TEN_SECONDLY_ROLLING")
        #expect(refused.object["errorType"] as? String == "RATE_LIMIT")
        #expect(refused.object["status"] as? String == "error")
        #expect(refused.object["message"] as? String == "You have reached your ten_secondly_rolling limit.")
        #expect(refused.headers["x-hubspot-ratelimit-remaining"] == "0")
        #expect(refused.headers["x-hubspot-ratelimit-max"] == "5")
        // The refused request counts toward the day, not toward the window.
        #expect(refused.headers["x-hubspot-ratelimit-daily-remaining"] == "994")
        // 5 s after the first request it leaves the window (10 s since it was admitted).
        fake.clock.advance(5.001)
        let again = try fake.hubSpotUpsert(body)
        #expect(again.status == 200)
        #expect(again.headers["x-hubspot-ratelimit-remaining"] == "0")
        #expect(try fake.hubSpotUpsert(body).status == 429)
        fake.clock.advance(10)
        let recovered = try fake.hubSpotUpsert(body)
        #expect(recovered.status == 200)
        #expect(recovered.headers["x-hubspot-ratelimit-remaining"] == "4")
        #expect(recovered.headers["x-hubspot-ratelimit-secondly"] == "1")
        #expect(recovered.headers["x-hubspot-ratelimit-secondly-remaining"] == "0")
        // The request log's times come from the same clock: the test can check the rate sent.
        let times = try fake.crmRequests("provider=hubspot").compactMap { $0["time_ms"] as? Int }
        #expect(times.count == 9)
        #expect(times.first == 1_000_000 && times.last == 1_020_001)
    }

    @Test func theDailyLimitRefusesWithPolicyDailyUntilTheNextDay() throws {
        let fake = try FakeServer { $0.hubspot.daily = 3 }
        let body = CRMBody.hubSpot([("d@example.org", "{}")])
        for expected in ["2", "1", "0"] {
            #expect(try fake.hubSpotUpsert(body).headers["x-hubspot-ratelimit-daily-remaining"] == expected)
        }
        let refused = try fake.hubSpotUpsert(body)
        #expect(refused.status == 429)
        #expect(refused.object["policyName"] as? String == "DAILY")
        #expect(refused.object["message"] as? String == "You have reached your daily limit.")
        #expect(try fake.hubSpotContact("GET", "d@example.org").status == 429)
        fake.clock.advance(86_400)
        let tomorrow = try fake.hubSpotUpsert(body)
        #expect(tomorrow.status == 200)
        #expect(tomorrow.headers["x-hubspot-ratelimit-daily-remaining"] == "2")
    }

    @Test func archiveByEmailIs204AndAnUnknownContactIs404() throws {
        let fake = try FakeServer()
        #expect(try fake.hubSpotUpsert(CRMBody.hubSpot([("gone@example.org", #"{"firstname":"G"}"#)])).status == 200)
        let missing = try fake.hubSpotContact("GET", "nobody@example.org")
        #expect(missing.status == 404)
        #expect(missing.object["category"] as? String == "OBJECT_NOT_FOUND")
        let deleted = try fake.hubSpotContact("DELETE", "Gone@Example.org")
        #expect(deleted.status == 204)
        #expect(deleted.body.isEmpty)
        #expect(deleted.headers["x-hubspot-ratelimit-remaining"] != nil)
        #expect(try fake.hubSpotContact("GET", "gone@example.org").status == 404)
        #expect(try fake.hubSpotContact("DELETE", "gone@example.org").status == 404)
        #expect(try fake.crmContacts("hubspot").isEmpty)
        // Upserting the email again makes a new object.
        let again = try fake.hubSpotUpsert(CRMBody.hubSpot([("gone@example.org", "{}")]))
        #expect(Self.results(again).first?["id"] as? String == "2")
        #expect(Self.results(again).first?["new"] as? Bool == true)
        let byID = try fake.get("/hubspot/crm/v3/objects/contacts/2", headers: ["Authorization: Bearer pat-fake"])
        #expect(byID.status == 200)
        let otherKey = try fake.get(
            "/hubspot/crm/v3/objects/contacts/2?idProperty=phone", headers: ["Authorization: Bearer pat-fake"])
        #expect(otherKey.status == 400)
        let log = try fake.crmRequests("provider=hubspot")
        let deletes = log.filter { $0["method"] as? String == "DELETE" }
        #expect(
            deletes.map { (($0["records"] as? [[String: Any]])?.first?["outcome"] as? String) } == [
                "deleted", "not_found",
            ])
    }

    /// `POST …/contacts/batch/read` by object id (docs/customers.md §11): found contacts with the
    /// properties asked for (unset ones null), archived or unknown ids in one OBJECT_NOT_FOUND error of
    /// a 207, and bodies it cannot take refused with 400.
    @Test func batchReadGivesLiveContactsAndNamesTheRestIn207() throws {
        let fake = try FakeServer()
        let path = "/hubspot/crm/v3/objects/contacts/batch/read"
        let auth = ["Content-Type: application/json", "Authorization: Bearer pat-fake"]
        let upserts = CRMBody.hubSpot([("ana@example.org", #"{"firstname":"Ana","city":"Lima"}"#), ("gone@example.org", "{}")])
        #expect(try fake.hubSpotUpsert(upserts).status == 200)
        #expect(try fake.hubSpotContact("DELETE", "gone@example.org").status == 204)

        let all = try fake.post(path, #"{"inputs":[{"id":"1"}],"properties":["city","firstname","zip"]}"#, headers: auth)
        #expect(all.status == 200)
        let ana = try #require((all.object["results"] as? [[String: Any]])?.first)
        #expect(ana["id"] as? String == "1" && ana["archived"] as? Bool == false)
        let properties = ana["properties"] as? [String: Any]
        #expect(properties?["city"] as? String == "Lima" && properties?["firstname"] as? String == "Ana")
        #expect(properties?["zip"] is NSNull)
        #expect(all.object["errors"] == nil)

        let some = try fake.post(path, #"{"inputs":[{"id":"2"},{"id":"1"},{"id":"x"}],"properties":["email"]}"#, headers: auth)
        #expect(some.status == 207)
        #expect((some.object["results"] as? [[String: Any]])?.map { $0["id"] as? String } == ["1"])
        let error = try #require((some.object["errors"] as? [[String: Any]])?.first)
        #expect(error["category"] as? String == "OBJECT_NOT_FOUND")
        #expect((error["context"] as? [String: Any])?["ids"] as? [String] == ["2", "x"])

        let tooMany = "{\"inputs\":[" + (1...101).map { #"{"id":"\#($0)"}"# }.joined(separator: ",") + "]}"
        for body in [
            "", "[]", #"{"inputs":[]}"#, #"{"inputs":[{"id":1}]}"#, #"{"inputs":[{"id":"1"}],"properties":"email"}"#,
            #"{"inputs":[{"id":"a@b.c"}],"idProperty":"email"}"#, tooMany,
        ] {
            let refused = try fake.post(path, body, headers: auth)
            #expect(refused.status == 400, "\(body.prefix(60))")
            #expect(refused.object["category"] as? String == "VALIDATION_ERROR")
        }
        #expect(try fake.post(path, #"{"inputs":[{"id":"1"}]}"#, headers: ["Authorization: Bearer nope"]).status == 401)
        let stats = (try fake.get("/_fake/stats").object["providers"] as? [String: Any])?["hubspot"] as? [String: Any]
        #expect((stats?["endpoints"] as? [String: Int])?["batch_read"] == 10)
    }

    @Test func hostileBodiesAre400AndTheServerKeepsServing() throws {
        let fake = try FakeServer()
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let huge = CRMBody.hubSpot((1...20_000).map { ("h\($0)@example.org", "{}") })
        let bodies = [
            "not json", "", "[]", #"{"inputs":{}}"#, #"{"inputs":[1]}"#, #"{"inputs":[{"id":"a@b.co"}]}"#,
            #"{"inputs":[{"id":"a@b.co","properties":[]}]}"#,
            #"{"inputs":[{"id":"a@b.co","properties":{"firstname":{"x":1}}}]}"#,
            #"{"inputs":[{"id":"a@b.co","properties":{},"idProperty":["email"]}]}"#,
            #"{"inputs":[{"id":"","properties":{}}]}"#,
            #"{"inputs":[{"id":"a@b.co","properties":{"a":1,"a":2}}]}"#, "{\"inputs\":[\u{0}]}", deep,
            #"{"inputs":"# + deep + "}", huge,
        ]
        for body in bodies {
            let response = try fake.hubSpotUpsert(body)
            #expect(response.status == 400, "\(body.prefix(60))")
            #expect(response.object["category"] as? String == "VALIDATION_ERROR")
        }
        // Not UTF-8 at all.
        let client = try RawClient(port: fake.port)
        let head =
            "POST \(FakeServer.hubSpotUpsertPath) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer pat-fake\r\n"
            + "Content-Length: 4\r\nConnection: close\r\n\r\n"
        try client.send(Array(head.utf8) + [0xFF, 0xFE, 0x7B, 0x80])
        #expect(try client.readResponse().status == 400)
        // An input whose idProperty is not email, and one of 70,000 characters, fail alone.
        let long = String(repeating: "x", count: 70_000)
        let mixed = try fake.hubSpotUpsert(
            #"{"inputs":[{"id":"a@b.co","properties":{}},{"idProperty":"email","id":"c@d.co","properties":{"message":"\#(long)"}},{"idProperty":"email","id":"ok@d.co","properties":{}}]}"#
        )
        #expect(mixed.status == 207)
        #expect(mixed.object["numErrors"] as? Int == 2)
        #expect(try fake.hubSpotUpsert(CRMBody.hubSpot([("after@example.org", "{}")])).status == 200)
        #expect(try fake.crmContacts("hubspot").count == 2)
    }

    @Test func theRequestLogKeepsOrderPerCustomerAndPages() throws {
        let fake = try FakeServer()
        for version in 1...3 {
            let body = CRMBody.hubSpot([
                ("ana@example.org", #"{"firstname":"Ana \#(version)"}"#), ("bo@example.org", #"{"firstname":"Bo"}"#),
            ])
            #expect(try fake.hubSpotUpsert(body).status == 200)
            fake.clock.advance(0.25)
        }
        #expect(try fake.hubSpotContact("DELETE", "ana@example.org").status == 204)
        let all = try fake.crmRequests("provider=hubspot")
        #expect(all.map { $0["seq"] as? Int } == [1, 2, 3, 4])
        let anaSent = all.flatMap { ($0["records"] as? [[String: Any]]) ?? [] }.filter {
            $0["key"] as? String == "ana@example.org"
        }
        #expect(
            anaSent.map { ($0["record"] as? [String: Any])?["firstname"] as? String }
                == ["Ana 1", "Ana 2", "Ana 3", nil])
        #expect(anaSent.map { $0["outcome"] as? String } == ["created", "updated", "updated", "deleted"])
        let boSent = all.flatMap { ($0["records"] as? [[String: Any]]) ?? [] }.filter {
            $0["key"] as? String == "bo@example.org"
        }
        // The same content gives the same fingerprint.
        #expect(Set(boSent.compactMap { $0["fingerprint"] as? String }).count == 1)
        let page = try fake.get("/_fake/crm/requests?since=1&limit=2").object
        #expect((page["entries"] as? [[String: Any]])?.map { $0["seq"] as? Int } == [2, 3])
        #expect(page["more"] as? Bool == true)
        #expect(page["next_since"] as? Int == 3)
        #expect(try fake.crmRequests("provider=salesforce").isEmpty)
        #expect(try fake.get("/_fake/crm/requests?limit=0").status == 400)
        #expect(try fake.get("/_fake/crm/requests?provider=shopify").status == 400)
        #expect(try fake.get("/_fake/crm/contacts?provider=zoho").status == 400)
        #expect(try fake.post("/_fake/crm/reset").status == 200)
        #expect(try fake.crmRequests().isEmpty)
        #expect(try fake.crmContacts("hubspot").isEmpty)
    }

    @Test func faultsAnswerInHubSpotsShapeAndAreLogged() throws {
        let fake = try FakeServer()
        let added = try fake.post(
            "/_fake/faults",
            #"[{"provider":"hubspot","kind":"rate-limit","retry_after":2},{"provider":"hubspot","kind":"status","status":502}]"#
        )
        #expect(added.status == 200)
        let body = CRMBody.hubSpot([("f@example.org", "{}")])
        let limited = try fake.hubSpotUpsert(body)
        #expect(limited.status == 429)
        #expect(limited.object["policyName"] as? String == "TEN_SECONDLY_ROLLING")
        #expect(limited.headers["retry-after"] == "2")
        #expect(limited.headers["x-hubspot-ratelimit-remaining"] == "100")
        let failed = try fake.hubSpotUpsert(body)
        #expect(failed.status == 502)
        #expect(failed.object["category"] as? String == "INTERNAL_ERROR")
        #expect(try fake.hubSpotUpsert(body).status == 200)
        let log = try fake.crmRequests("provider=hubspot")
        #expect(log.map { $0["fault"] as? String } == ["rate-limit", "status", nil])
        let stats = (try fake.get("/_fake/stats").object["providers"] as? [String: Any])?["hubspot"] as? [String: Any]
        #expect((stats?["endpoints"] as? [String: Int])?["upsert"] == 3)
        #expect(stats?["rate_limited"] as? Int == 1)
        // A drop closes the connection without a byte, and is logged without a status.
        let drop = try #require(Fault(spec: "hubspot:drop:1"))
        #expect(drop.provider == .hubspot)
        #expect(try fake.post("/_fake/faults", #"{"provider":"hubspot","kind":"drop"}"#).status == 200)
        let client = try RawClient(port: fake.port)
        try client.send(
            Request.post(body, path: FakeServer.hubSpotUpsertPath, headers: ["Authorization: Bearer pat-fake"]))
        #expect(client.readAll().isEmpty)
        #expect(try fake.crmRequests("since=3").first?["status"] is NSNull)
    }

    @Test func theCommandTakesTheCRMFlags() throws {
        let (process, line) = try CommandTests.launch([
            "--port", "0", "--orders", "10", "--contacts", "10", "--hubspot-token", "pat-other", "--hubspot-per-10s",
            "2", "--hubspot-property", "loyalty_tier", "--salesforce-daily", "7",
        ])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let port = try #require(UInt16(line.split(separator: ":").last?.dropLast() ?? ""))
        let client = try RawClient(port: port)
        try client.send(
            Request.post(
                CRMBody.hubSpot([("t@example.org", #"{"loyalty_tier":"gold"}"#)]), path: FakeServer.hubSpotUpsertPath,
                headers: ["Authorization: Bearer pat-other", "Connection: close"]))
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.headers["x-hubspot-ratelimit-max"] == "2")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let refused = Process()
        refused.executableURL = URL(fileURLWithPath: CommandTests.executable)
        refused.arguments = ["--port", "0", "--hubspot-per-10s", "0"]
        refused.standardError = Pipe()
        try refused.run()
        refused.waitUntilExit()
        #expect(refused.terminationStatus != 0)
    }
}
