import Foundation
import OrderCore

#if canImport(Glibc)
    import Glibc
#endif

/// `ordersync-fake-providers` in a child process: Shopify, Zoho (with its token endpoint) and the
/// generic customer source on one port, with its `/_fake/` control API.
final class FakeProviders {
    let process = Process()
    let base: String

    struct Failed: Error, CustomStringConvertible { let description: String }

    /// The credentials the fake accepts by default (and that `environment` hands to ordersync).
    static let shopifyToken = "shpat_fake_e2e_token"
    static let zohoClientID = "1000.E2ECLIENT"
    static let zohoClientSecret = "e2e-client-secret-value"
    static let zohoRefreshToken = "1000.e2e-refresh-token-value"
    static let customersKey = "e2e-customers-key"

    init(arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: Repository.program("ordersync-fake-providers"))
        process.arguments =
            [
                "--port", "0", "--shopify-token", FakeProviders.shopifyToken, "--zoho-client-id",
                FakeProviders.zohoClientID,
                "--zoho-client-secret", FakeProviders.zohoClientSecret, "--zoho-refresh-token",
                FakeProviders.zohoRefreshToken, "--customers-key", FakeProviders.customersKey,
            ] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first stdout line says where it listens.
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        while !text.contains("\n") && Date() < deadline && process.isRunning {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { usleep(5_000) }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let range = text.range(of: "listening on ") else {
            process.terminate()
            throw Failed(description: "fake providers did not start: \(text)")
        }
        base = String(text[range.upperBound...].prefix { !$0.isWhitespace })
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// The environment that points ordersync's connectors at this fake.
    var environment: [String: String] {
        [
            "SHOPIFY_SHOP_URL": base, "SHOPIFY_ACCESS_TOKEN": FakeProviders.shopifyToken,
            "ZOHO_API_URL": base, "ZOHO_ACCOUNTS_URL": base, "ZOHO_CLIENT_ID": FakeProviders.zohoClientID,
            "ZOHO_CLIENT_SECRET": FakeProviders.zohoClientSecret, "ZOHO_REFRESH_TOKEN": FakeProviders.zohoRefreshToken,
            "CUSTOMERS_API_URL": base + "/api/users", "CUSTOMERS_API_KEY": FakeProviders.customersKey,
            // Fast retries: the tests inject many faults.
            "SYNC_BACKOFF_SECONDS": "0.02",
        ]
    }

    /// A control call; the JSON answer.
    @discardableResult
    func control(_ method: String, _ path: String, _ body: String? = nil) throws -> JSONValue {
        var arguments = ["-sS", "-X", method, base + path]
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        let (status, output) = try runProgram("/usr/bin/curl", arguments, includeErrors: false)
        guard status == 0 else { throw Failed(description: "curl \(path) failed (\(status))") }
        return try JSONParser.parse(Array(output.utf8))
    }

    func inject(_ faults: String) throws { try control("POST", "/_fake/faults", faults) }

    func stats() throws -> JSONValue { try control("GET", "/_fake/stats") }

    func dataset() throws -> JSONValue { try control("GET", "/_fake/dataset") }
}

extension JSONValue {
    /// The integer value of a number.
    var int: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    var elements: [JSONValue] {
        if case .array(let values) = self { return values }
        return []
    }
}
