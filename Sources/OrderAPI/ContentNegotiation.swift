import HTTPServer

/// Request and response content rules: media types, content codings, gzip responses.
enum ContentNegotiation {
    /// True for `application/json`, optionally with `charset=utf-8` (RFC 8259 §8.1: JSON is UTF-8).
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: " \t").lowercased() }
        guard parts.first == "application/json" else { return false }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: " \t\"") }
            if pair.first == "charset" && pair.last != "utf-8" { return false }
        }
        return true
    }

    /// The request's content coding: nil for none, "gzip", or the unsupported coding's name.
    static func requestCoding(_ head: HTTPRequestHead) -> String? {
        let codings = head.headers.tokens("content-encoding").filter { $0 != "identity" }
        if codings.isEmpty { return nil }
        if codings == ["gzip"] || codings == ["x-gzip"] { return "gzip" }
        return codings.joined(separator: ", ")
    }

    /// True when `Accept-Encoding` allows gzip (RFC 9110 §12.5.3), honouring `q=0`.
    static func acceptsGzip(_ head: HTTPRequestHead) -> Bool {
        var gzip: Double?
        var wildcard: Double?
        for element in head.headers.tokens("accept-encoding") {
            let parts = element.split(separator: ";").map { $0.trimmingCharacters(in: " \t") }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            switch parts.first {
            case "gzip", "x-gzip": gzip = quality
            case "*": wildcard = quality
            default: break
            }
        }
        return (gzip ?? wildcard ?? 0) > 0
    }

    /// Media types worth compressing.
    static func isCompressible(_ contentType: String?) -> Bool {
        guard let type = contentType?.lowercased() else { return false }
        return type.hasPrefix("application/json") || type.hasPrefix("application/problem+json")
            || type.hasPrefix("text/") || type.hasPrefix("application/x-ndjson")
    }
}
