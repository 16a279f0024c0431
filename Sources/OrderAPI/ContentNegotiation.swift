import HTTPServer

/// Request and response content rules: media types, content codings, gzip responses.
enum ContentNegotiation {
    /// The body formats `POST /` reads (docs/contract.md §3).
    enum IngestFormat: Equatable {
        case json, ndjson, csv
    }

    /// NDJSON's media type has no registration; these are the names clients and tools send for it.
    static let ndjsonTypes: Set<String> = [
        "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines",
    ]

    /// The format of a `POST /` body from its `Content-Type`, or the 415 detail saying why it is refused.
    /// JSON and NDJSON are UTF-8 (RFC 8259 §8.1); CSV may say `charset=utf-8` or nothing (ASCII is UTF-8)
    /// and must have its header row (RFC 4180 §3's `header=present`, the default here).
    static func ingestFormat(_ contentType: String?) -> (format: IngestFormat?, refusal: String) {
        let accepted = "Content-Type must be application/json, application/x-ndjson or text/csv"
        guard let contentType else { return (nil, accepted) }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: " \t").lowercased() }
        let format: IngestFormat
        switch parts.first {
        case "application/json"?: format = .json
        case let type? where ndjsonTypes.contains(type): format = .ndjson
        case "text/csv"?: format = .csv
        default: return (nil, accepted)
        }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: " \t\"") }
            if pair.first == "charset" && pair.last != "utf-8" {
                return (nil, "the body must be UTF-8: charset=\(pair.last ?? "") is not supported")
            }
            if format == .csv && pair.first == "header" && pair.last != "present" {
                return (nil, "a CSV body must start with a header row naming its columns (header=present)")
            }
        }
        return (format, "")
    }

    /// The media type of a `Content-Type` value, lower-cased, without its parameters.
    static func mediaType(_ contentType: String) -> String {
        (contentType.split(separator: ";", omittingEmptySubsequences: false).first ?? "")
            .trimmingCharacters(in: " \t").lowercased()
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
