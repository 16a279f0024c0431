import Foundation
import Testing

@Suite struct ZohoTests {
    static func auth(_ token: String) -> [String] { ["Authorization: Zoho-oauthtoken \(token)"] }

    static func ids(_ response: RawResponse) -> [String] {
        ((response.object["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
    }

    @Test func tokenRefreshFromQueryOrFormAndItsErrors() throws {
        let fake = try FakeServer()
        let fromQuery = try fake.post(
            "/oauth/v2/token?grant_type=refresh_token&client_id=1000.FAKECLIENTID&client_secret=fake-client-secret"
                + "&refresh_token=1000.fake-refresh-token")
        let body = fromQuery.object
        #expect(fromQuery.status == 200)
        #expect(body["api_domain"] as? String == fake.baseURL)
        #expect(body["token_type"] as? String == "Bearer")
        #expect(body["expires_in"] as? Int == 3_600)
        #expect((body["access_token"] as? String)?.hasPrefix("1000.") == true)
        #expect(try fake.zohoToken().hasPrefix("1000."))
        let wrong = try fake.post(
            "/oauth/v2/token?grant_type=refresh_token&client_id=1000.FAKECLIENTID&client_secret=fake-client-secret"
                + "&refresh_token=revoked")
        #expect(wrong.status == 200)
        #expect(wrong.text == #"{"error":"invalid_code"}"#)
        let client = try fake.post("/oauth/v2/token?grant_type=refresh_token&client_id=x")
        #expect(client.text == #"{"error":"invalid_client"}"#)
        let stats = try fake.get("/_fake/stats").object
        #expect(stats["tokens_issued"] as? Int == 2)
        #expect(stats["token_refusals"] as? Int == 2)
    }

    @Test func tokensExpireAndRefreshRecovers() throws {
        let fake = try FakeServer { $0.zohoTokenTTLSeconds = 60 }
        let token = try fake.zohoToken()
        let path = "/crm/v8/Contacts?fields=Email"
        #expect(try fake.get(path, headers: Self.auth(token)).status == 200)
        fake.clock.advance(61)
        let expired = try fake.get(path, headers: Self.auth(token))
        #expect(expired.status == 401)
        #expect(
            expired.text == #"{"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"}"#)
        let fresh = try fake.zohoToken()
        #expect(try fake.get(path, headers: Self.auth(fresh)).status == 200)
        #expect(try fake.post("/_fake/expire-tokens").object["expired"] as? Int == 1)
        #expect(try fake.get(path, headers: Self.auth(fresh)).status == 401)
        #expect(try fake.get(path, headers: ["Authorization: Bearer \(try fake.zohoToken())"]).status == 401)
        #expect(try fake.get(path).status == 401)
    }

    @Test func fieldsAreMandatoryFromV3AndSelectTheOutput() throws {
        let fake = try FakeServer()
        let token = try fake.zohoToken()
        let missing = try fake.get("/crm/v8/Contacts", headers: Self.auth(token))
        #expect(missing.status == 400)
        #expect(missing.object["code"] as? String == "REQUIRED_PARAM_MISSING")
        let v2 = try fake.get("/crm/v2/Contacts?per_page=5", headers: Self.auth(token))
        let full = try #require((v2.object["data"] as? [[String: Any]])?.first)
        #expect(
            Set(full.keys).isSuperset(of: [
                "id", "First_Name", "Last_Name", "Full_Name", "Email", "Phone",
                "Account_Name", "Owner", "Created_Time", "Modified_Time",
            ]))
        let picked = try fake.get("/crm/v3/Contacts?fields=Email,Last_Name", headers: Self.auth(token))
        let records = picked.object["data"] as? [[String: Any]] ?? []
        #expect(records.count == 200)
        #expect(
            records.allSatisfy { Set($0.keys).isSubset(of: ["id", "Email", "Last_Name"]) && $0["Last_Name"] is String })
        #expect(try fake.get("/crm/v9/Contacts?fields=Email", headers: Self.auth(token)).status == 404)
        #expect(
            try fake.get("/crm/v8/Leads?fields=Email", headers: Self.auth(token)).object["code"] as? String
                == "INVALID_MODULE")
    }

    @Test func pageTokensReachEveryContactOnce() throws {
        let fake = try FakeServer { $0.contacts = 2_345 }
        let token = try fake.zohoToken()
        var target = "/crm/v8/Contacts?fields=Email&per_page=200"
        var seen: [String] = []
        while true {
            let response = try fake.get(target, headers: Self.auth(token))
            #expect(response.status == 200)
            seen += Self.ids(response)
            let info = try #require(response.object["info"] as? [String: Any])
            #expect(
                Set(info.keys) == [
                    "per_page", "count", "page", "more_records", "sort_by", "sort_order",
                    "next_page_token", "previous_page_token", "page_token_expiry",
                ])
            guard info["more_records"] as? Bool == true, let next = info["next_page_token"] as? String else { break }
            target = "/crm/v8/Contacts?fields=Email&per_page=200&page_token=\(next)"
        }
        #expect(seen.count == 2_345)
        #expect(Set(seen).count == 2_345)
        #expect(seen == seen.sorted { UInt64($0) ?? 0 > UInt64($1) ?? 0 })  // default: id descending
    }

    @Test func pageReachesOnlyTwoThousandRecordsFromV3() throws {
        let fake = try FakeServer { $0.contacts = 2_345 }
        let token = try fake.zohoToken()
        #expect(try fake.get("/crm/v8/Contacts?fields=Email&page=10", headers: Self.auth(token)).status == 200)
        let beyond = try fake.get("/crm/v8/Contacts?fields=Email&page=11", headers: Self.auth(token))
        #expect(beyond.status == 400)
        #expect(beyond.object["code"] as? String == "DISCRETE_PAGINATION_LIMIT_EXCEEDED")
        // v2 has no page_token and no such reach.
        var seen = 0
        for page in 1...12 {
            let response = try fake.get("/crm/v2/Contacts?page=\(page)", headers: Self.auth(token))
            if response.status == 204 { break }
            seen += Self.ids(response).count
        }
        #expect(seen == 2_345)
        let next = try #require(
            (try fake.get("/crm/v8/Contacts?fields=Email", headers: Self.auth(token)).object["info"]
                as? [String: Any])?["next_page_token"] as? String)
        let both = try fake.get("/crm/v8/Contacts?fields=Email&page=2&page_token=\(next)", headers: Self.auth(token))
        #expect(both.status == 400)
        #expect(try fake.get("/crm/v8/Contacts?fields=Email&per_page=201", headers: Self.auth(token)).status == 400)
    }

    @Test func ifModifiedSinceIsInclusiveAndEmptyIs204() throws {
        let fake = try FakeServer { $0.contacts = 150 }  // one page holds them all
        let token = try fake.zohoToken()
        let future = try fake.get(
            "/crm/v8/Contacts?fields=Email",
            headers: Self.auth(token) + ["If-Modified-Since: 2030-01-01T00:00:00+05:30"])
        #expect(future.status == 204)
        #expect(future.body.isEmpty)
        // Contacts 1 and 2 share a Modified_Time: asking from exactly then returns both.
        let sorted = try fake.get(
            "/crm/v8/Contacts?fields=Modified_Time&sort_by=Modified_Time&sort_order=asc", headers: Self.auth(token))
        let times = (sorted.object["data"] as? [[String: Any]] ?? []).compactMap { $0["Modified_Time"] as? String }
        let tied = try #require(Dictionary(grouping: times, by: { $0 }).first { $0.value.count >= 2 }?.key)
        let since = try fake.get(
            "/crm/v8/Contacts?fields=Modified_Time&sort_by=Modified_Time&sort_order=asc",
            headers: Self.auth(token) + ["If-Modified-Since: \(tied)"])
        let returned = (since.object["data"] as? [[String: Any]] ?? []).compactMap { $0["Modified_Time"] as? String }
        #expect(returned.count == times.filter { $0 >= tied }.count)
        #expect(returned.filter { $0 == tied }.count == times.filter { $0 == tied }.count)
    }
}
