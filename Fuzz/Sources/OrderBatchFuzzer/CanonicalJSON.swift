import FuzzSupport

@testable import OrderCore

/// Canonical JSON (what `orders_raw.payload` stores) must read back as the value it was written from,
/// and writing that again must give the same bytes: equal content, equal bytes, however it was sent.
enum CanonicalJSON {
    static func checkRoundTrip(_ value: JSONValue) {
        let text = JSONWriter.canonical(value)
        check(String(validating: text, as: UTF8.self) != nil, "canonical JSON is not valid UTF-8")
        let reread: JSONValue
        do throws(JSONSyntaxError) {
            reread = try JSONParser.parse(text)
        } catch {
            fatalError("invariant violated: canonical JSON does not parse (\(error)): \(describe(text))")
        }
        check(reread == value, "canonical JSON parses to another value: \(describe(text))")
        check(JSONWriter.canonical(reread) == text, "canonical JSON is not a fixed point: \(describe(text))")
    }
}
