import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Real clients against the real server: URLSession (libcurl underneath on Linux) and the curl tool.
@Suite struct ClientTests {
    @Test func urlSessionPostThenGet() async throws {
        let server = try TestServer()
        var post = URLRequest(url: server.baseURL)
        post.httpMethod = "POST"
        post.setValue("application/json", forHTTPHeaderField: "Content-Type")
        post.httpBody = Data(Orders.batch(["u1", "u2"]).utf8)
        let (body, response) = try await URLSession.shared.data(for: post)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self) == #"{"inserted":2,"unchanged":0}"#)

        let (list, listResponse) = try await URLSession.shared.data(from: server.baseURL)
        #expect((listResponse as? HTTPURLResponse)?.statusCode == 200)
        let rows = try #require(try JSONSerialization.jsonObject(with: list) as? [[String: Any]])
        #expect(rows.compactMap { $0["order_id"] as? String } == ["u1", "u2"])
    }

    @Test func curlPostsALargeBodyWithExpectContinueAndReadsGzip() throws {
        let server = try TestServer()
        let directory = TemporaryDirectory()
        let file = directory.file("orders.json")
        // Well over 1 KiB, so curl sends Expect: 100-continue.
        try Data(Orders.batch((0..<200).map { "curl-\($0)" }).utf8).write(to: URL(fileURLWithPath: file))
        let post = try run(
            "curl", "-sS", "-H", "Content-Type: application/json", "-H", "Expect: 100-continue", "--data-binary",
            "@\(file)",
            "-w", "\n%{http_code}", "\(server.baseURL.absoluteString)/")
        #expect(post.hasSuffix("\n200"))
        #expect(post.hasPrefix(#"{"inserted":200,"unchanged":0}"#))

        let list = try run(
            "curl", "-sS", "--compressed", "-D", directory.file("headers"), "\(server.baseURL.absoluteString)/")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.utf8)) as? [Any])
        #expect(rows.count == 200)
        let headers = try String(contentsOfFile: directory.file("headers"), encoding: .utf8).lowercased()
        #expect(headers.contains("content-encoding: gzip"))
    }

    @Test func curlChunkedUpload() throws {
        let server = try TestServer()
        let output = try run(
            "curl", "-sS", "-H", "Content-Type: application/json", "-H", "Transfer-Encoding: chunked",
            "--data-binary", Orders.batch(["chunky"]), "\(server.baseURL.absoluteString)/")
        #expect(output == #"{"inserted":1,"unchanged":0}"#)
    }

    private func run(_ arguments: String...) throws -> String {
        try runProgram("/usr/bin/env", arguments, includeErrors: false).output
    }
}
