import Foundation
import Testing

@Suite struct CustomersTests {
    @Test func pagesCoverEveryUserOnceAndEndEmpty() throws {
        let fake = try FakeServer { $0.customers = 20 }
        var seen: [Int] = []
        var page = 1
        while true {
            let body = try fake.get("/api/users?page=\(page)").object
            let data = body["data"] as? [[String: Any]] ?? []
            #expect(body["per_page"] as? Int == 6)
            #expect(body["total"] as? Int == 20)
            #expect(body["total_pages"] as? Int == 4)
            #expect(body["support"] is [String: Any])
            if data.isEmpty { break }
            #expect(data.allSatisfy { Set($0.keys) == ["id", "email", "first_name", "last_name", "avatar"] })
            seen += data.compactMap { $0["id"] as? Int }
            page += 1
        }
        #expect(page == 5)
        #expect(seen == Array(1...20))
        #expect((try fake.get("/api/users?page=2&per_page=15").object["data"] as? [Any])?.count == 5)
        #expect(try fake.get("/api/users/7").object["data"] is [String: Any])
        let missing = try fake.get("/api/users/23")
        #expect(missing.status == 404 && missing.text == "{}")
    }

    @Test func keyIsRequiredWhenConfigured() throws {
        let fake = try FakeServer { $0.customersKey = "reqres-free-v1" }
        let refused = try fake.get("/api/users")
        #expect(refused.status == 401)
        #expect(refused.text == "{}")
        #expect(try fake.get("/api/users", headers: ["x-api-key: wrong"]).status == 401)
        #expect(try fake.get("/api/users", headers: ["x-api-key: reqres-free-v1"]).status == 200)
    }
}
