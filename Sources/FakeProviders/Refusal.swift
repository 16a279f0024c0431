import HTTPServer
import OrderCore

/// A request the emulated API refuses: the status and the provider's own error body.
struct Refusal: Error, Sendable {
    var status: Int
    var body: JSONValue
    var headers: [(String, String)] = []

    var response: HTTPResponse {
        var response = JSON.response(status, body)
        for (name, value) in headers { response.headers.add(name, value) }
        return response
    }

    /// Shopify's 400 for a parameter: `{"errors":{"limit":"Invalid value."}}`.
    static func shopify(_ parameter: String, _ message: String = "Invalid value.") -> Refusal {
        Refusal(status: 400, body: JSON.object([("errors", JSON.object([(parameter, .string(message))]))]))
    }

    /// Zoho's error shape: `{"code":…,"details":{…},"message":…,"status":"error"}`.
    static func zoho(_ status: Int, _ code: String, _ message: String, details: [(String, JSONValue)] = []) -> Refusal {
        Refusal(
            status: status,
            body: JSON.object([
                ("code", .string(code)), ("details", JSON.object(details)), ("message", .string(message)),
                ("status", .string("error")),
            ]))
    }

    /// Zoho's 400 for a parameter value it cannot use.
    static func zohoInvalid(_ parameter: String, _ message: String = "invalid data") -> Refusal {
        zoho(400, "INVALID_DATA", message, details: [("param_name", .string(parameter))])
    }
}
