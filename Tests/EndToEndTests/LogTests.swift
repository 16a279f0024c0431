import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Logs: one JSON line per request with Cloud Logging's fields, a request id echoed to the client,
/// the trace the platform sent, and never a secret or an order's content.
@Suite struct LogTests {
    @Test func requestLinesCarryCloudLoggingFieldsAndNoSecrets() throws {
        let directory = TemporaryDirectory()
        let server = try ServerProcess(
            dbPath: directory.file("logs.db"),
            environment: ["AUTH_TOKEN": "very-secret-token", "GOOGLE_CLOUD_PROJECT": "demo-project"])
        let client = try RawClient(port: server.port)
        try client.send(
            Request.post(
                Orders.batch(["log-1"]),
                headers: [
                    "Authorization: Bearer very-secret-token", "X-Request-Id: client-id-42",
                    "X-Cloud-Trace-Context: 0123456789abcdef0123456789abcdef/77;o=1",
                ]))
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.headers["x-request-id"] == "client-id-42")
        try client.send(
            Request.get("/orders/log-1?secret=query-value", headers: ["Authorization: Bearer very-secret-token"]))
        let second = try client.readResponse()
        #expect(second.headers["x-request-id"]?.count == 32, "a fresh id when the client sends none")
        server.signal(SIGTERM)
        let log = server.waitForExit().log
        let lines = log.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(lines.count == log.split(separator: "\n").count, "every line is JSON")
        let post = try #require(
            lines.first { ($0["httpRequest"] as? [String: Any])?["requestMethod"] as? String == "POST" })
        #expect(post["severity"] as? String == "INFO")
        #expect(post["requestId"] as? String == "client-id-42")
        #expect(
            post["logging.googleapis.com/trace"] as? String
                == "projects/demo-project/traces/0123456789abcdef0123456789abcdef")
        #expect(post["logging.googleapis.com/spanId"] as? String == "77")
        let http = try #require(post["httpRequest"] as? [String: Any])
        #expect(http["status"] as? Int == 200)
        #expect((http["latency"] as? String)?.hasSuffix("s") == true)
        for secret in ["very-secret-token", "Laptop, Mouse", "query-value"] {
            #expect(!log.contains(secret), "the log must not contain \(secret)")
        }
    }
}
