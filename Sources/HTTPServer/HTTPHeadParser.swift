/// Parses a complete request head (request line and header fields, without the final empty line).
/// Strict where leniency lets two parsers disagree (RFC 9112 §2.2, §3, §5).
enum HTTPHeadParser {
    static func parse(_ head: UnsafeBufferPointer<UInt8>, limits: ServerConfiguration) throws(HTTPParseError)
        -> HTTPRequestHead
    {
        var lines: [Range<Int>] = []
        var lineStart = 0
        var index = 0
        while index < head.count {
            switch head[index] {
            case 0x0D:
                guard index + 1 < head.count, head[index + 1] == 0x0A else {
                    throw HTTPParseError(400, "bare CR in the request head")
                }
                lines.append(lineStart..<index)
                index += 2
                lineStart = index
            case 0x0A:
                throw HTTPParseError(400, "bare LF in the request head")
            default:
                index += 1
            }
        }
        lines.append(lineStart..<head.count)

        let requestLine = lines[0]
        if requestLine.count > limits.maxRequestLineBytes {
            throw HTTPParseError(414, "the request line is longer than \(limits.maxRequestLineBytes) bytes")
        }
        let headerBytes = head.count - requestLine.count
        if headerBytes > limits.maxHeaderBytes {
            throw HTTPParseError(431, "the header section is larger than \(limits.maxHeaderBytes) bytes")
        }
        if lines.count - 1 > limits.maxHeaderCount {
            throw HTTPParseError(431, "more than \(limits.maxHeaderCount) header fields")
        }
        let (method, parsedTarget, version) = try parseRequestLine(UnsafeBufferPointer(rebasing: head[requestLine]))
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            let (name, value) = try parseField(UnsafeBufferPointer(rebasing: head[line]))
            headers.add(name, value)
        }
        // RFC 9112 §3.2: HTTP/1.1 requests carry exactly one valid Host.
        let hosts = headers.values("host")
        if version == .http11 && hosts.count != 1 || hosts.count > 1 {
            throw HTTPParseError(400, "an HTTP/1.1 request needs exactly one Host header")
        }
        if let host = hosts.first, host.utf8.contains(where: { $0 == 0x20 || $0 == 0x2F || $0 == 0x40 }) {
            throw HTTPParseError(400, "invalid Host header")
        }
        var target = parsedTarget
        // An absolute-form target (RFC 9112 §3.2.2) is reduced to its path and query.
        let lowered = target.prefix(8).lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") {
            let authorityAndRest = target.drop(while: { $0 != "/" }).dropFirst(2)
            if let pathStart = authorityAndRest.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                let rest = authorityAndRest[pathStart...]
                target = rest.hasPrefix("?") ? "/" + rest : String(rest)
            } else {
                target = "/"
            }
        }
        guard target.hasPrefix("/") || (method == "OPTIONS" && target == "*") else {
            throw HTTPParseError(400, "the request target must be a path")
        }
        return HTTPRequestHead(method: method, target: target, version: version, headers: headers)
    }

    private static func parseRequestLine(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> (
        String, String, HTTPVersion
    ) {
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw HTTPParseError(400, "malformed request line")
        }
        guard parts[0].count <= 32, parts[0].allSatisfy(isTokenCharacter) else {
            throw HTTPParseError(400, "invalid method")
        }
        guard parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPParseError(400, "invalid request target")
        }
        let versionText = String(decoding: parts[2], as: UTF8.self)
        let version: HTTPVersion
        switch versionText {
        case "HTTP/1.1": version = .http11
        case "HTTP/1.0": version = .http10
        default:
            let bytes = Array(versionText.utf8)
            let wellFormed =
                bytes.count == 8 && versionText.hasPrefix("HTTP/") && bytes[6] == UInt8(ascii: ".")
                && isDigit(bytes[5]) && isDigit(bytes[7])
            throw wellFormed
                ? HTTPParseError(505, "only HTTP/1.1 and HTTP/1.0 are supported")
                : HTTPParseError(400, "malformed HTTP version")
        }
        return (String(decoding: parts[0], as: UTF8.self), String(decoding: parts[1], as: UTF8.self), version)
    }

    private static func parseField(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> (String, String) {
        guard let first = line.first else { throw HTTPParseError(400, "empty header line") }
        // Obsolete line folding (RFC 9112 §5.2) is refused.
        if first == 0x20 || first == 0x09 { throw HTTPParseError(400, "obsolete line folding in a header") }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
            throw HTTPParseError(400, "header line without a name")
        }
        // No white space between name and colon (RFC 9112 §5.1): it is refused, never guessed at.
        guard line[0..<colon].allSatisfy(isTokenCharacter) else { throw HTTPParseError(400, "invalid header name") }
        var valueStart = colon + 1
        var valueEnd = line.count
        while valueStart < valueEnd && (line[valueStart] == 0x20 || line[valueStart] == 0x09) { valueStart += 1 }
        while valueEnd > valueStart && (line[valueEnd - 1] == 0x20 || line[valueEnd - 1] == 0x09) { valueEnd -= 1 }
        for byte in line[valueStart..<valueEnd] where (byte < 0x20 && byte != 0x09) || byte == 0x7F {
            throw HTTPParseError(400, "invalid character in a header value")
        }
        // Lower-cased here, byte by byte, so HTTPHeaders stores it as it is (names are case-insensitive).
        let name = String(unsafeUninitializedCapacity: colon) { buffer in
            for index in 0..<colon {
                let byte = line[index]
                buffer[index] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            }
            return colon
        }
        // Values are bytes; obs-text (0x80-0xFF) is kept as Latin-1 rather than guessed to be UTF-8.
        let valueBytes = UnsafeBufferPointer(rebasing: line[valueStart..<valueEnd])
        let value =
            valueBytes.allSatisfy({ $0 < 0x80 })
            ? String(decoding: valueBytes, as: UTF8.self)
            : String(String.UnicodeScalarView(valueBytes.map { Unicode.Scalar($0) }))
        return (name, value)
    }

    /// tchar of RFC 9110 §5.6.2.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
