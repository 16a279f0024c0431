import FakeProviders
import Foundation
import Testing

@Suite struct SalesforceTests {
    static let invalidSession = #"[{"errorCode":"INVALID_SESSION_ID","message":"Session expired or invalid"}]"#

    static func contact(_ id: String, _ fields: String = #""LastName":"Doe""#) -> String {
        #"{"Ordersync_Id__c":"\#(id)",\#(fields)}"#
    }

    static func errorCodes(_ response: RawResponse) -> [String?] {
        response.objects.map { (($0["errors"] as? [[String: Any]])?.first?["statusCode"] as? String) }
    }

    @Test func theClientCredentialsGrantAndItsErrors() throws {
        let fake = try FakeServer()
        let form = ["Content-Type: application/x-www-form-urlencoded"]
        let granted = try fake.post(
            "/services/oauth2/token",
            "grant_type=client_credentials&client_id=sf-fake-client&client_secret=sf-fake-secret",
            headers: form)
        #expect(granted.status == 200)
        let body = granted.object
        #expect(body["instance_url"] as? String == fake.baseURL)
        #expect(body["token_type"] as? String == "Bearer")
        #expect(body["issued_at"] as? String == "1900000000000")
        #expect((body["id"] as? String)?.hasPrefix(fake.baseURL + "/id/00D") == true)
        #expect((body["access_token"] as? String)?.hasPrefix("00D") == true)
        #expect((body["signature"] as? String).flatMap { Data(base64Encoded: $0) }?.count == 32)
        let cases = [
            ("grant_type=client_credentials&client_id=sf-fake-client&client_secret=nope", "invalid_client"),
            ("grant_type=client_credentials&client_id=other&client_secret=sf-fake-secret", "invalid_client_id"),
            ("grant_type=password&client_id=sf-fake-client&client_secret=sf-fake-secret", "unsupported_grant_type"),
            ("", "unsupported_grant_type"), ("%zz", "invalid_request"),
        ]
        for (form, error) in cases {
            let refused = try fake.post(
                "/services/oauth2/token", form, headers: ["Content-Type: application/x-www-form-urlencoded"])
            #expect(refused.status == 400)
            #expect(refused.object["error"] as? String == error)
            #expect(refused.object["error_description"] is String)
        }
        let wrongSecret = try fake.post(
            "/services/oauth2/token", "grant_type=client_credentials&client_id=sf-fake-client&client_secret=x")
        #expect(wrongSecret.text == #"{"error":"invalid_client","error_description":"invalid client credentials"}"#)
    }

    @Test func aMissingUnknownOrIdleSessionIsInvalidSessionID() throws {
        let fake = try FakeServer { $0.salesforce.tokenTTLSeconds = 100 }
        let body = CRMBody.salesforce([Self.contact("cust-1")])
        for token in [nil, "00Dfake!forged"] as [String?] {
            let refused = try fake.salesforceUpsert(body, token: token)
            #expect(refused.status == 401)
            #expect(refused.text == Self.invalidSession)
            #expect(refused.headers["sforce-limit-info"] == nil)
        }
        let token = try fake.salesforceToken()
        #expect(try fake.salesforceUpsert(body, token: token).status == 200)
        // Each request restarts the idle timer.
        fake.clock.advance(99)
        #expect(try fake.salesforceUpsert(body, token: token).status == 200)
        fake.clock.advance(99)
        #expect(try fake.salesforceUpsert(body, token: token).status == 200)
        fake.clock.advance(100)
        let idle = try fake.salesforceUpsert(body, token: token)
        #expect(idle.status == 401)
        #expect(idle.text == Self.invalidSession)
        let fresh = try fake.salesforceToken()
        #expect(try fake.salesforceUpsert(body, token: fresh).status == 200)
        #expect(try fake.post("/_fake/expire-tokens").object["expired"] as? Int == 1)
        #expect(try fake.salesforceUpsert(body, token: fresh).status == 401)
        // A Zoho token is no Salesforce session.
        #expect(try fake.salesforceUpsert(body, token: try fake.zohoToken()).status == 401)
    }

    @Test func collectionUpsertCreatesUpdatesAndAnswersInOrder() throws {
        let fake = try FakeServer()
        let token = try fake.salesforceToken()
        let first = try fake.salesforceUpsert(
            CRMBody.salesforce([
                Self.contact("cust-1", #""LastName":"Doe","FirstName":"Jane","Email":"jane@example.org""#),
                Self.contact("cust-2", #""lastname":"Roe","Phone":"+34 600""#),
            ]), token: token)
        #expect(first.status == 200)
        #expect(first.headers["sforce-limit-info"] == "api-usage=1/100000")
        let created = first.objects
        #expect(created.map { $0["created"] as? Bool } == [true, true])
        #expect(created.allSatisfy { $0["success"] as? Bool == true && ($0["errors"] as? [Any])?.isEmpty == true })
        let ids = created.compactMap { $0["id"] as? String }
        #expect(ids.count == 2 && ids.allSatisfy { $0.count == 18 && $0.hasPrefix("003") })
        // Order follows the body: the second record first now.
        let second = try fake.salesforceUpsert(
            CRMBody.salesforce([
                Self.contact("cust-3"), Self.contact("cust-2", #""Email":"roe@example.org""#),
                Self.contact("cust-1", #""FirstName":null"#),
            ]), token: token)
        #expect(second.headers["sforce-limit-info"] == "api-usage=2/100000")
        #expect(second.objects.map { $0["created"] as? Bool } == [true, false, false])
        #expect(second.objects.dropFirst().map { $0["id"] as? String } == [ids[1], ids[0]])
        let contacts = try fake.crmContacts("salesforce")
        #expect(contacts.map { $0["Ordersync_Id__c"] as? String } == ["cust-1", "cust-2", "cust-3"])
        let jane = try #require(contacts.first)
        #expect(jane["FirstName"] == nil)
        #expect(jane["Email"] as? String == "jane@example.org")
        #expect(jane["Id"] as? String == ids[0])
        #expect(contacts[1]["LastName"] as? String == "Roe")
        #expect(contacts[1]["Email"] as? String == "roe@example.org")
    }

    @Test func badRecordsFailAloneWithSalesforcesCodes() throws {
        let fake = try FakeServer()
        let token = try fake.salesforceToken()
        #expect(try fake.salesforceUpsert(CRMBody.salesforce([Self.contact("old")]), token: token).status == 200)
        let records = [
            Self.contact("ok-1", #""LastName":"A","Email":"a@example.org""#),
            Self.contact("new-no-name", #""Email":"b@example.org""#),
            Self.contact("bad-email", #""LastName":"C","Email":"c@example""#),
            Self.contact("reserved", #""LastName":"D","Email":"d@shop.invalid""#),
            Self.contact("unknown-field", #""LastName":"E","Nickname__c":"e""#),
            Self.contact("system-field", #""LastName":"F","CreatedDate":"2020-01-01""#),
            Self.contact("too-long", #""LastName":"\#(String(repeating: "x", count: 81))""#),
            Self.contact("twice"), Self.contact("twice"),
            #"{"LastName":"No key"}"#,
            Self.contact("old", #""LastName":"""#),
            Self.contact("old", #""Title":"Update without LastName""#).replacingOccurrences(of: "old", with: "old2"),
            Self.contact("ok-2"),
        ]
        let response = try fake.salesforceUpsert(CRMBody.salesforce(records), token: token)
        #expect(response.status == 200)
        #expect(
            Self.errorCodes(response) == [
                nil, "REQUIRED_FIELD_MISSING", "INVALID_EMAIL_ADDRESS", "INVALID_EMAIL_ADDRESS", "INVALID_FIELD",
                "INVALID_FIELD_FOR_INSERT_UPDATE", "STRING_TOO_LONG", "DUPLICATE_EXTERNAL_ID", "DUPLICATE_EXTERNAL_ID",
                "MISSING_ARGUMENT", "REQUIRED_FIELD_MISSING", "REQUIRED_FIELD_MISSING", nil,
            ])
        let failed = response.objects.filter { $0["success"] as? Bool == false }
        #expect(failed.allSatisfy { $0["id"] == nil && $0["created"] == nil })
        let email = try #require((response.objects[2]["errors"] as? [[String: Any]])?.first)
        #expect(email["message"] as? String == "Email: invalid email address: c@example")
        #expect(email["fields"] as? [String] == ["Email"])
        #expect(
            (response.objects[4]["errors"] as? [[String: Any]])?.first?["message"] as? String
                == "No such column 'Nickname__c' on sobject of type Contact")
        #expect(
            Set(try fake.crmContacts("salesforce").compactMap { $0["Ordersync_Id__c"] as? String })
                == ["old", "ok-1", "ok-2"])
        // An existing record may be updated without LastName.
        let update = try fake.salesforceUpsert(
            CRMBody.salesforce([Self.contact("old", #""Title":"Buyer""#)]), token: token)
        #expect(update.objects.first?["created"] as? Bool == false)
    }

    @Test func aCollectionHoldsOneToTwoHundredRecords() throws {
        let fake = try FakeServer()
        let token = try fake.salesforceToken()
        let full = try fake.salesforceUpsert(CRMBody.salesforce((1...200).map { Self.contact("c\($0)") }), token: token)
        #expect(full.status == 200)
        #expect(full.objects.count == 200)
        let over = try fake.salesforceUpsert(CRMBody.salesforce((1...201).map { Self.contact("d\($0)") }), token: token)
        #expect(over.status == 400)
        #expect(over.objects.first?["errorCode"] as? String == "EXCEEDED_ID_LIMIT")
        #expect(over.headers["sforce-limit-info"] == "api-usage=2/100000")
        #expect(try fake.salesforceUpsert(#"{"records":[]}"#, token: token).status == 400)
        #expect(try fake.crmContacts("salesforce").count == 200)
    }

    @Test func allOrNoneRollsEverythingBackWhenOneRecordFails() throws {
        let fake = try FakeServer()
        let token = try fake.salesforceToken()
        #expect(
            try fake.salesforceUpsert(CRMBody.salesforce([Self.contact("kept", #""LastName":"Before""#)]), token: token)
                .status == 200)
        let rolled = try fake.salesforceUpsert(
            CRMBody.salesforce(
                [
                    Self.contact("kept", #""LastName":"After""#), Self.contact("new-1"),
                    Self.contact("bad", #""LastName":"B","Email":"nope""#), Self.contact("new-2"),
                ], allOrNone: true), token: token)
        #expect(rolled.status == 200)
        #expect(
            Self.errorCodes(rolled) == [
                "ALL_OR_NONE_OPERATION_ROLLED_BACK", "ALL_OR_NONE_OPERATION_ROLLED_BACK", "INVALID_EMAIL_ADDRESS",
                "ALL_OR_NONE_OPERATION_ROLLED_BACK",
            ])
        #expect(rolled.objects.allSatisfy { $0["success"] as? Bool == false })
        #expect(rolled.objects.first?["id"] is String)
        let contacts = try fake.crmContacts("salesforce")
        #expect(contacts.count == 1)
        #expect(contacts.first?["LastName"] as? String == "Before")
        let clean = try fake.salesforceUpsert(
            CRMBody.salesforce([Self.contact("kept", #""LastName":"After""#), Self.contact("new-1")], allOrNone: true),
            token: token)
        #expect(clean.objects.map { $0["success"] as? Bool } == [true, true])
        #expect(try fake.crmContacts("salesforce").map { $0["LastName"] as? String } == ["After", "Doe"])
        let log = try fake.crmRequests("provider=salesforce")
        #expect(
            ((log[1]["records"] as? [[String: Any]]) ?? []).map { $0["outcome"] as? String } == [
                "ALL_OR_NONE_OPERATION_ROLLED_BACK", "ALL_OR_NONE_OPERATION_ROLLED_BACK", "INVALID_EMAIL_ADDRESS",
                "ALL_OR_NONE_OPERATION_ROLLED_BACK",
            ])
    }

    @Test func deleteByExternalIDIs204ThenNotFound() throws {
        let fake = try FakeServer()
        let token = try fake.salesforceToken()
        let created = try fake.salesforceUpsert(CRMBody.salesforce([Self.contact("cust 42/x")]), token: token)
        let id = try #require(created.objects.first?["id"] as? String)
        let auth = ["Authorization: Bearer \(token)"]
        let path = "/services/data/v62.0/sobjects/Contact/Ordersync_Id__c/cust%2042%2Fx"
        let deleted = try fake.request("DELETE", path, headers: auth)
        #expect(deleted.status == 204)
        #expect(deleted.body.isEmpty)
        #expect(deleted.headers["sforce-limit-info"] == "api-usage=2/100000")
        let again = try fake.request("DELETE", path, headers: auth)
        #expect(again.status == 404)
        #expect(again.objects.first?["errorCode"] as? String == "NOT_FOUND")
        #expect(try fake.request("DELETE", path).status == 401)
        #expect(try fake.crmContacts("salesforce").isEmpty)
        let recreated = try fake.salesforceUpsert(CRMBody.salesforce([Self.contact("cust 42/x")]), token: token)
        #expect(recreated.objects.first?["created"] as? Bool == true)
        #expect(recreated.objects.first?["id"] as? String != id)
        let field = try fake.request("DELETE", "/services/data/v62.0/sobjects/Contact/Nope__c/x", headers: auth)
        #expect(field.status == 404)
        #expect(
            field.objects.first?["message"] as? String
                == "Provided external ID field does not exist or is not accessible: Nope__c")
        let log = try fake.crmRequests("provider=salesforce")
        #expect(
            log.filter { $0["method"] as? String == "DELETE" }.compactMap {
                (($0["records"] as? [[String: Any]])?.first?["outcome"] as? String)
            } == ["deleted", "not_found"])
    }

    @Test func versionsObjectsAndExternalIDFieldsAreChecked() throws {
        let fake = try FakeServer { $0.salesforce.customFields = ["Shop_Id__c"] }
        let token = try fake.salesforceToken()
        let body = CRMBody.salesforce([Self.contact("v")])
        for path in [
            "/services/data/v45.0/composite/sobjects/Contact/Ordersync_Id__c",
            "/services/data/v69.0/composite/sobjects/Contact/Ordersync_Id__c",
            "/services/data/62.0/composite/sobjects/Contact/Ordersync_Id__c",
            "/services/data/v62.0/composite/sobjects/Account/Ordersync_Id__c",
        ] {
            let response = try fake.salesforceUpsert(body, token: token, path: path)
            #expect(response.status == 404, "\(path)")
            #expect(response.objects.first?["errorCode"] as? String == "NOT_FOUND")
        }
        let email = try fake.salesforceUpsert(
            body, token: token, path: "/services/data/v62.0/composite/sobjects/Contact/Email")
        #expect(email.status == 400)
        #expect(email.objects.first?["errorCode"] as? String == "INVALID_FIELD")
        // A custom external id works as the key, case-insensitively named; its values stay unique.
        let shop = try fake.salesforceUpsert(
            CRMBody.salesforce([#"{"shop_id__c":"s-1","LastName":"S","Ordersync_Id__c":"o-1"}"#]), token: token,
            path: "/services/data/v66.0/composite/sobjects/contact/SHOP_ID__C")
        #expect(shop.objects.first?["created"] as? Bool == true)
        let clash = try fake.salesforceUpsert(
            CRMBody.salesforce([Self.contact("o-2", #""LastName":"T","Shop_Id__c":"s-1""#)]), token: token)
        #expect(Self.errorCodes(clash) == ["DUPLICATE_VALUE"])
        #expect(
            try fake.salesforceUpsert(CRMBody.salesforce([Self.contact("o-1")]), token: token).objects.first?["created"]
                as? Bool == false)
    }

    @Test func theDailyLimitIs403RequestLimitExceededUntilTheNextDay() throws {
        let fake = try FakeServer { $0.salesforce.daily = 2 }
        let token = try fake.salesforceToken()
        let body = CRMBody.salesforce([Self.contact("d")])
        #expect(try fake.salesforceUpsert(body, token: token).headers["sforce-limit-info"] == "api-usage=1/2")
        #expect(try fake.salesforceUpsert(body, token: token).headers["sforce-limit-info"] == "api-usage=2/2")
        let refused = try fake.salesforceUpsert(body, token: token)
        #expect(refused.status == 403)
        #expect(refused.text == #"[{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"TotalRequests Limit exceeded."}]"#)
        #expect(refused.headers["sforce-limit-info"] == "api-usage=2/2")
        // The token endpoint is no API request.
        #expect(try fake.salesforceToken().hasPrefix("00D"))
        fake.clock.advance(86_400)
        // The session has been idle past its two hours meanwhile.
        #expect(try fake.salesforceUpsert(body, token: token).status == 401)
        let tomorrow = try fake.salesforceUpsert(body, token: try fake.salesforceToken())
        #expect(tomorrow.status == 200)
        #expect(tomorrow.headers["sforce-limit-info"] == "api-usage=1/2")
    }

    @Test func hostileBodiesAre400AndTheServerKeepsServing() throws {
        let fake = try FakeServer()
        let token = try fake.salesforceToken()
        let deep = String(repeating: "{\"a\":", count: 5_000) + "1" + String(repeating: "}", count: 5_000)
        let huge = CRMBody.salesforce((1...5_000).map { Self.contact("h\($0)") })
        let cases: [(String, String)] = [
            ("not json", "JSON_PARSER_ERROR"), ("", "JSON_PARSER_ERROR"), ("[]", "JSON_PARSER_ERROR"),
            (#"{"records":{}}"#, "JSON_PARSER_ERROR"), (#"{"records":[1]}"#, "JSON_PARSER_ERROR"),
            (#"{"records":[{"LastName":"x"}]}"#, "INVALID_TYPE"),
            (#"{"records":[{"attributes":{"type":"Account"},"LastName":"x"}]}"#, "INVALID_TYPE"),
            (#"{"allOrNone":"yes","records":[]}"#, "JSON_PARSER_ERROR"),
            (CRMBody.salesforce([#"{"LastName":{"first":"x"}}"#]), "JSON_PARSER_ERROR"),
            (deep, "JSON_PARSER_ERROR"), (#"{"records":"# + deep + "}", "JSON_PARSER_ERROR"),
            (huge, "EXCEEDED_ID_LIMIT"),
        ]
        for (body, code) in cases {
            let response = try fake.salesforceUpsert(body, token: token)
            #expect(response.status == 400, "\(body.prefix(60))")
            #expect(response.objects.first?["errorCode"] as? String == code, "\(body.prefix(60))")
        }
        let log = try fake.crmRequests("provider=salesforce")
        #expect(log.last?["record_count"] as? Int == 5_000)
        #expect(log.allSatisfy { ($0["records"] as? [Any])?.isEmpty == true })
        #expect(try fake.salesforceUpsert(CRMBody.salesforce([Self.contact("fine")]), token: token).status == 200)
        #expect(try fake.crmContacts("salesforce").count == 1)
    }

    @Test func faultsAnswerInSalesforcesShape() throws {
        let fake = try FakeServer()
        let token = try fake.salesforceToken()
        let added = try fake.post(
            "/_fake/faults",
            #"[{"provider":"salesforce","kind":"status","status":500},{"provider":"salesforce","kind":"status","status":403},{"provider":"salesforce-token","kind":"status","status":503},{"provider":"salesforce","kind":"rate-limit"}]"#
        )
        #expect(added.status == 200)
        let body = CRMBody.salesforce([Self.contact("f")])
        let failed = try fake.salesforceUpsert(body, token: token)
        #expect(failed.status == 500)
        #expect(failed.objects.first?["errorCode"] as? String == "UNKNOWN_EXCEPTION")
        #expect(failed.headers["sforce-limit-info"] == "api-usage=0/100000")
        let limited = try fake.salesforceUpsert(body, token: token)
        #expect(limited.status == 403)
        #expect(limited.objects.first?["errorCode"] as? String == "REQUEST_LIMIT_EXCEEDED")
        let tokenFault = try fake.post("/services/oauth2/token", "grant_type=client_credentials")
        #expect(tokenFault.status == 503)
        #expect(tokenFault.object["error"] as? String == "unknown_error")
        let throttled = try fake.salesforceUpsert(body, token: token)
        #expect(throttled.status == 429)
        #expect(throttled.headers["retry-after"] == "1")
        #expect(throttled.objects.first?["errorCode"] as? String == "REQUEST_LIMIT_EXCEEDED")
        #expect(try fake.salesforceUpsert(body, token: token).status == 200)
        let log = try fake.crmRequests()
        #expect(log.map { $0["fault"] as? String } == [nil, "status", "status", "status", "rate-limit", nil])
        #expect(try fake.post("/_fake/faults", #"{"provider":"salesforce","kind":"truncate"}"#).status == 200)
        let client = try RawClient(port: fake.port)
        try client.send(
            "PATCH \(FakeServer.salesforceUpsertPath) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
        let raw = String(decoding: client.readAll(), as: UTF8.self)
        #expect(raw.hasPrefix("HTTP/1.1 200"))
        #expect(!raw.hasSuffix("]"))
        #expect(try fake.salesforceUpsert(body, token: token).status == 200)
    }
}
