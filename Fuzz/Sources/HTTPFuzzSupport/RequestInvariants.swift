import FuzzSupport

@testable import HTTPServer

/// What every head and body the parser hands out must satisfy, whatever bytes came in: the limits
/// are respected, and nothing reaches the application that RFC 9112 says must be refused.
enum RequestInvariants {
    static func checkHead(_ head: HTTPRequestHead, limits: ServerConfiguration) {
        let method = Array(head.method.utf8)
        check(!method.isEmpty && method.count <= 32, "method length \(method.count)")
        check(method.allSatisfy(HTTPHeadParser.isTokenCharacter), "method \(describe(method)) is not a token")

        let target = Array(head.target.utf8)
        check(!target.isEmpty && target.count <= limits.maxRequestLineBytes, "target length \(target.count)")
        check(target.allSatisfy { $0 > 0x20 && $0 < 0x7F }, "target \(describe(target)) has invalid bytes")
        check(
            target.first == UInt8(ascii: "/") || (head.method == "OPTIONS" && head.target == "*"),
            "target \(describe(target)) is not a path")

        check(head.headers.count <= limits.maxHeaderCount, "\(head.headers.count) header fields")
        var fieldBytes = 0
        for (name, value) in head.headers {
            let nameBytes = Array(name.utf8)
            check(!nameBytes.isEmpty, "empty header name")
            check(nameBytes.allSatisfy(HTTPHeadParser.isTokenCharacter), "header name \(describe(nameBytes))")
            check(!nameBytes.contains { $0 >= 0x41 && $0 <= 0x5A }, "header name \(name) is not lower-cased")
            let scalars = Array(value.unicodeScalars)
            // Values are Latin-1 decoded bytes (or ASCII): never above U+00FF.
            check(scalars.allSatisfy { $0.value <= 0xFF }, "header value beyond Latin-1")
            check(
                !scalars.contains { ($0.value < 0x20 && $0.value != 0x09) || $0.value == 0x7F },
                "control character in the value of \(name)")
            if let first = scalars.first, let last = scalars.last {
                check(first != " " && first != "\t" && last != " " && last != "\t", "untrimmed value of \(name)")
            }
            fieldBytes += nameBytes.count + 1 + scalars.count
        }
        check(fieldBytes <= limits.maxHeaderBytes, "header fields hold \(fieldBytes) bytes")

        let hosts = head.headers.values("host")
        check(head.version == .http11 ? hosts.count == 1 : hosts.count <= 1, "\(hosts.count) Host fields")
        if !head.headers.values("transfer-encoding").isEmpty {
            check(head.version == .http11, "Transfer-Encoding accepted on HTTP/1.0")
            check(head.headers.values("content-length").isEmpty, "Transfer-Encoding with Content-Length accepted")
            check(head.headers.tokens("transfer-encoding") == ["chunked"], "transfer codings other than chunked")
        }
    }

    static func checkBody(_ body: [UInt8], head: HTTPRequestHead, limits: ServerConfiguration) {
        check(body.count <= limits.maxBodyBytes, "body of \(body.count) bytes over the limit \(limits.maxBodyBytes)")
        guard head.headers.values("transfer-encoding").isEmpty else { return }
        // Content-Length framing: the body is exactly that long (the parser checked all copies agree).
        let lengths = head.headers.values("content-length")
            .flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { $0.trimmingCharacters(in: " \t").drop { $0 == "0" } }
        guard let first = lengths.first else {
            check(body.isEmpty, "a body of \(body.count) bytes without Content-Length or chunked")
            return
        }
        check(lengths.allSatisfy { $0 == first }, "differing Content-Length values accepted")
        check(
            String(body.count) == (first.isEmpty ? "0" : String(first)), "body \(body.count) ≠ Content-Length \(first)")
    }
}
