import Foundation
import Testing

/// The first-hour conveniences of docs/contract.md and the README: one version everywhere
/// (`--version`, `/healthz`, `/version`, openapi.yaml), `export` to standard output, a startup line
/// that names the URL, and view descriptions that keep the SQL header's own layout.
@Suite struct ConvenienceTests {
    private func get(_ client: RawClient, _ path: String, _ headers: [String] = []) throws -> RawResponse {
        try client.send(Request.get(path, headers: headers))
        return try client.readResponse()
    }

    /// `ordersync --version`, checked against the OpenAPI document's `info.version`.
    private func version() throws -> String {
        let result = try runOrdersync(["--version"], environment: [:])
        #expect(result.status == 0, "\(result.output)")
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func oneVersionForTheCommandLineTheProbesAndTheAPIDocument() throws {
        let version = try version()
        #expect(
            version.split(separator: ".").count == 3 && version.allSatisfy { $0.isNumber || $0 == "." }, "\(version)")
        let openapi = try String(contentsOfFile: Repository.root + "/openapi.yaml", encoding: .utf8)
        #expect(openapi.contains("\ninfo:\n  title: ordersync\n  version: \(version)\n"))
        // The subcommands say the same.
        #expect(try runOrdersync(["query", "--version"], environment: [:]).output.contains(version))

        let server = try TestServer(api: { $0.authToken = "secret" })
        let client = try RawClient(port: server.port)
        // No header needed: neither a token nor anything else.
        try client.send("GET /version HTTP/1.1\r\nHost: t\r\n\r\n")
        let answer = try client.readResponse()
        #expect(answer.status == 200)
        #expect(answer.headers["content-type"] == "application/json")
        #expect(answer.text == #"{"version":"\#(version)"}"#)
        #expect(answer.headers["cache-control"] == "no-store")
        let health = try get(client, "/healthz")
        #expect(health.text == #"{"status":"ok","version":"\#(version)","projections":"complete"}"#)
        // HEAD behaves as for any resource; other methods and paths below it are not open (401 without
        // the token, 405 and 404 with it), and the rest still needs the token.
        try client.send("HEAD /version HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse(headOnly: true).status == 200)
        try client.send("POST /version HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
        #expect(try client.readResponse().status == 401)
        try client.send(
            "POST /version HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer secret\r\nContent-Length: 0\r\n\r\n")
        let post = try client.readResponse()
        #expect(post.status == 405 && post.headers["allow"] == "GET, HEAD")
        #expect(try get(client, "/version/x").status == 401)
        #expect(try get(client, "/version/x", ["Authorization: Bearer secret"]).status == 404)
        #expect(try get(client, "/views").status == 401)
    }

    @Test func exportWritesToStandardOutputWithoutOutputOrWithADash() throws {
        let directory = TemporaryDirectory()
        let dbPath = directory.file("orders.db")
        #expect(
            try runOrdersync(["migrate"], environment: ["DB_PATH": dbPath, "SQL_DIR": Repository.sqlDirectory]).status
                == 0)
        // SQLite's own files beside the database (-wal, -shm) may come and go with any reader.
        func files() throws -> Set<String> {
            Set(
                try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
                    !$0.hasPrefix("orders.db")
                })
        }
        let before = try files()
        for arguments in [["export", "customers"], ["export", "customers", "--output", "-"]] {
            let run = try runProgramKeepingErrors(Repository.executable, arguments, environment: ["DB_PATH": dbPath])
            #expect(run.status == 0, "\(arguments): \(run.errors)")
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any], "\(run.output)")
            #expect((document["metadata"] as? [String: Any])?["count"] as? Int == 0)
            #expect((document["customers"] as? [Any])?.isEmpty == true)
            #expect(run.errors.isEmpty, "\(run.errors)")
        }
        // Nothing was written beside the database, and no file named "-" anywhere near.
        #expect(try files() == before)
        #expect(!FileManager.default.fileExists(atPath: "-"))
        // A file still works, and a bad dataset still fails.
        let file = directory.file("customers.json")
        #expect(
            try runOrdersync(["export", "customers", "--output", file], environment: ["DB_PATH": dbPath]).status == 0)
        #expect(FileManager.default.fileExists(atPath: file))
        #expect(try runOrdersync(["export", "orders"], environment: ["DB_PATH": dbPath]).status != 0)
    }

    @Test func theStartupLineNamesTheURLItListensOn() throws {
        let directory = TemporaryDirectory()
        let server = try ServerProcess(dbPath: directory.file("orders.db"))
        defer {
            server.signal(SIGTERM)
            _ = server.waitForExit()
        }
        let line = try #require(server.log.split(separator: "\n").first { $0.contains("listening") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "listening on http://0.0.0.0:\(server.port)")
        #expect(object["url"] as? String == "http://0.0.0.0:\(server.port)")
        #expect(object["port"] as? Int == Int(server.port))
        #expect(object["version"] as? String == (try version()))
    }

    @Test func viewDescriptionsKeepTheSQLHeadersOwnLayout() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let listing = try #require(try get(client, "/views").json as? [String: Any])
        let views = try #require(listing["views"] as? [[String: Any]])
        let profiles = try #require(views.first { $0["name"] as? String == "customer_profiles_v" })
        let description = try #require(profiles["description"] as? String)
        // What the file says, read here independently: its first comment paragraph, `-- ` dropped.
        let sql = try String(
            contentsOfFile: Repository.sqlDirectory + "/views/customer_profiles_v.sql", encoding: .utf8)
        var expected: [String] = []
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("--"), line != "--", !line.hasPrefix("-- key:") else { break }
            expected.append(String(line.dropFirst(line.hasPrefix("-- ") ? 3 : 2)))
        }
        expected[0] = String(expected[0].dropFirst("customer_profiles_v: ".count))
        #expect(description == expected.joined(separator: "\n"))
        #expect(description.contains("\n  kept record       when records disagree"))
        #expect(description.contains("\n                    recently modified"))
        // One-line descriptions stay as they were.
        let daily = try #require(views.first { $0["name"] as? String == "order_status_daily_v" })
        #expect((daily["description"] as? String)?.hasPrefix("one row per day and status") == true)
    }
}
