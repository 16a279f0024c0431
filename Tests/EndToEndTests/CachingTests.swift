import Foundation
import PostgreSQL
import Testing

/// HTTP caching as docs/contract.md §3 Caching describes it, over real sockets: `Vary` on every
/// variant, `Cache-Control` per endpoint, weak ETags that move with the data (also when another
/// process writes the file), 304s that repeat what RFC 9110 §15.4.5 requires, HEAD = GET; and REDbot,
/// the HTTP linter, finds nothing to warn about on any GET endpoint.
@Suite struct CachingTests {
    /// Every GET endpoint that answers from the data, and what it must say.
    private static let revalidated = [
        "/", "/?status=processing", "/orders/c1", "/views", "/views/latest_order_v",
        "/views/latest_order_v?format=csv", "/dashboard",
    ]
    private static let neverStored = ["/healthz", "/readyz", "/metrics", "/sync"]

    private func get(_ client: RawClient, _ path: String, _ headers: [String] = []) throws -> RawResponse {
        try client.send(Request.get(path, headers: headers))
        return try client.readResponse()
    }

    private func varyTokens(_ response: RawResponse) -> Set<String> {
        Set(
            (response.headers["vary"] ?? "").split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            })
    }

    @Test func varyAcceptEncodingOnEveryVariantCompressedOrNot() throws {
        // Once with bodies large enough to compress, once with the default threshold (most stay plain).
        for minimum in [1, 1_024] {
            let server = try TestServer(api: { $0.gzipMinimumBytes = minimum })
            let client = try RawClient(port: server.port)
            #expect(try client.exchange(Request.post(Orders.batch(["c1", "c2"]))).status == 200)
            for path in CachingTests.revalidated + ["/healthz", "/readyz", "/metrics", "/?limit=0"] {
                let plain = try get(client, path)
                let gzip = try get(client, path, ["Accept-Encoding: gzip"])
                #expect(plain.headers["content-encoding"] == nil, "\(path)")
                if minimum == 1 && plain.status == 200 {
                    #expect(gzip.headers["content-encoding"] == "gzip", "\(path)")
                }
                #expect(varyTokens(plain).contains("accept-encoding"), "\(path) plain: \(plain.headers)")
                #expect(varyTokens(gzip).contains("accept-encoding"), "\(path) gzip: \(gzip.headers)")
            }
            // The views negotiate on Accept too.
            let csv = try get(client, "/views/latest_order_v", ["Accept: text/csv"])
            #expect(csv.headers["content-type"]?.hasPrefix("text/csv") == true)
            #expect(varyTokens(csv) == ["accept", "accept-encoding"])
            #expect(varyTokens(try get(client, "/views/latest_order_v")) == ["accept", "accept-encoding"])
        }
    }

    @Test func cacheControlPerEndpointAndNoStoreForErrors() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        #expect(try client.exchange(Request.post(Orders.batch(["c1"]))).status == 200)
        for path in CachingTests.revalidated {
            let response = try get(client, path)
            #expect(response.status == 200, "\(path)")
            #expect(response.headers["cache-control"] == "no-cache", "\(path)")
            #expect(response.headers["etag"]?.hasPrefix("W/\"") == true, "\(path)")
        }
        for path in CachingTests.neverStored {
            let response = try get(client, path)
            #expect(response.headers["cache-control"] == "no-store", "\(path) \(response.status)")
            #expect(response.headers["etag"] == nil, "\(path)")
        }
        // Errors: from the router, a handler, a bad query; and the answer to a POST.
        for path in ["/nope", "/orders/missing", "/views/missing", "/?limit=0", "/views/latest_order_v?nope=1"] {
            let response = try get(client, path)
            #expect(response.status >= 400, "\(path)")
            #expect(response.headers["cache-control"] == "no-store", "\(path)")
            #expect(response.headers["etag"] == nil, "\(path)")
        }
        #expect(try client.exchange(Request.post(Orders.batch(["c2"]))).headers["cache-control"] == "no-store")
        // `If-None-Match: *` matches only an existing representation.
        #expect(try get(client, "/orders/missing", ["If-None-Match: *"]).status == 404)
        #expect(try get(client, "/orders/c1", ["If-None-Match: *"]).status == 304)
    }

    @Test func notModifiedRepeatsTheRequiredHeadersAndHasNoBody() throws {
        let server = try TestServer()
        #expect(try RawClient(port: server.port).exchange(Request.post(Orders.batch(["c1"]))).status == 200)
        for path in CachingTests.revalidated {
            for accept in [[], ["Accept-Encoding: gzip"], ["Accept: text/csv"]] {
                let client = try RawClient(port: server.port)
                let full = try get(client, path, accept)
                let etag = try #require(full.headers["etag"], "\(path)")
                // Weak comparison: the strong form of the same tag matches too (RFC 9110 §13.1.2).
                for condition in [etag, "\"x\", \(etag)", String(etag.dropFirst(2))] {
                    // A raw read of the bytes, so a body after the 304 would show as the next "response".
                    try client.send(
                        Request.get(path, headers: accept + ["If-None-Match: \(condition)"]) + Request.get("/healthz"))
                    let notModified = try client.readResponse()
                    #expect(notModified.status == 304, "\(path) \(condition)")
                    #expect(notModified.headers["etag"] == etag, "\(path)")
                    #expect(notModified.headers["cache-control"] == full.headers["cache-control"], "\(path)")
                    #expect(varyTokens(notModified) == varyTokens(full), "\(path) \(accept)")
                    #expect(notModified.headers["date"] != nil, "\(path)")
                    #expect(notModified.headers["content-length"] == nil && notModified.headers["content-type"] == nil)
                    #expect(
                        try client.readResponse().text.hasPrefix(#"{"status":"ok","#),
                        "\(path): a body followed the 304")
                }
                // Another tag, or another variant's: the full answer.
                #expect(try get(client, path, accept + ["If-None-Match: W/\"other\""]).status == 200)
            }
        }
    }

    @Test func etagChangesAfterAWriteAndOnlyThen() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        #expect(try client.exchange(Request.post(Orders.batch(["c1"]))).status == 200)
        let paths = ["/", "/orders/c1", "/views", "/views/latest_order_v"]
        func tags() throws -> [String?] { try paths.map { try get(client, $0).headers["etag"] } }
        let first = try tags()
        #expect(first.allSatisfy { $0 != nil })
        // Reads, probes and a refused write change nothing.
        _ = try get(client, "/healthz")
        _ = try get(client, "/metrics")
        #expect(try client.exchange(Request.post("[{}]")).status == 422)
        #expect(try tags() == first)
        // A write through the API moves every validator.
        #expect(try client.exchange(Request.post(Orders.batch(["c2"]))).status == 200)
        let second = try tags()
        for (before, after) in zip(first, second) { #expect(before != after) }
        #expect(try tags() == second)
        // So does a commit by another writer on the same database, as the sync worker (or another
        // instance) makes them: the sqlite3 shell, a process of its own, or another PostgreSQL
        // connection (so this server's writer counts nothing).
        let insert =
            "INSERT INTO orders_raw (order_id, order_date, order_status, ingested_at, source, payload) VALUES "
            + "('s1', '2025-08-08T10:00:00Z', 'paid', '2025-08-08T10:00:00.000Z', 'shopify', '{}');"
        if let url = server.databaseURL {
            _ = try PGConnection(conninfo: url).query(insert)
        } else {
            let shell = try runProgram("/usr/bin/env", ["sqlite3", server.dbPath, "PRAGMA busy_timeout=5000; " + insert])
            #expect(shell.status == 0, "\(shell.output)")
        }
        let third = try tags()
        for (before, after) in zip(second, third) { #expect(before != after) }
        #expect(try get(client, "/orders/s1").status == 200)
        // Another reader changes nothing.
        #expect(try server.rowCount() == 3)
        #expect(try tags() == third)
    }

    @Test func headAnswersWithTheHeadersOfGet() throws {
        let server = try TestServer(api: { $0.gzipMinimumBytes = 1 })
        let client = try RawClient(port: server.port)
        #expect(try client.exchange(Request.post(Orders.batch(["c1"]))).status == 200)
        let volatile: Set<String> = ["date", "x-request-id"]
        for path in CachingTests.revalidated + ["/healthz", "/readyz", "/orders/missing"] {
            for extra in [[], ["Accept-Encoding: gzip"]] {
                let got = try get(client, path, extra)
                try client.send(
                    (["HEAD \(path) HTTP/1.1", "Host: test"] + extra).joined(separator: "\r\n") + "\r\n\r\n")
                let head = try client.readResponse(headOnly: true)
                #expect(head.status == got.status, "\(path)")
                #expect(
                    head.headers.filter { !volatile.contains($0.key) }
                        == got.headers.filter { !volatile.contains($0.key) }, "\(path) \(extra)")
            }
        }
    }

    /// REDbot against every GET endpoint; any warning outside the allowlist in Tests/redbot/run_redbot.py
    /// fails the test with REDbot's own words.
    @Test func redbotFindsNoWarningOnAnyGetEndpoint() throws {
        let token = "redbot-token"
        let server = try TestServer(api: { $0.authToken = token })
        let client = try RawClient(port: server.port)
        let post = Request.post(Orders.batch(["c1", "c2"]), headers: ["Authorization: Bearer \(token)"])
        #expect(try client.exchange(post).status == 200)
        let base = server.baseURL.absoluteString
        let targets = [
            "/", "/?status=processing", "/orders/c1", "/views", "/views/latest_order_v",
            "/views/latest_order_v|Accept: text/csv", "/views/latest_order_v?format=csv", "/dashboard", "/healthz",
            "/readyz", "/metrics",
        ].map { base + $0 }
        // The first run installs REDbot from PyPI: a generous deadline, which only a hang reaches.
        let result = try runProgramWithin(
            900, Repository.root + "/Tests/redbot/run-redbot", targets, environment: ["AUTH_TOKEN": token])
        let lines = result.output.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(result.status == 0, "REDbot found problems:\n\(result.output)")
        #expect(lines.count == targets.count, "\(result.output)")
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["status"] as? Int == 200, "\(line)")
            #expect((object["failures"] as? [String])?.isEmpty == true, "\(line)")
        }
    }
}

extension RawClient {
    /// Sends one request and reads its response.
    fileprivate func exchange(_ request: String) throws -> RawResponse {
        try send(request)
        return try readResponse()
    }
}
