/// Maps method and path to a route's value (typically an endpoint enum). Patterns are literal segments
/// and `{name}` parameters, e.g. `/orders/{order_id}`; parameters are percent-decoded. HEAD is served
/// by the GET route.
package struct Router<Handler: Sendable>: Sendable {
    /// The outcome of matching a request.
    package enum Match {
        /// A route: its handler, its pattern (a bounded label for metrics) and the path parameters.
        case found(Handler, pattern: String, parameters: [String: String])
        /// The path exists but not for this method: the methods that do (for `Allow`).
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    private struct Route: Sendable {
        let method: String
        let pattern: String
        let segments: [RouteSegment]
        let handler: Handler
    }

    private var routes: [Route] = []
    /// The routes without their handlers, in the same order: outside the generic type, so the per-request
    /// `patternIndex` runs as plain specialized code, without generic metadata lookups and copies.
    private var shapes: [RouteShape] = []
    /// Every distinct pattern, in the order first added: the bounded set of route labels for metrics.
    package private(set) var patterns: [String] = []

    package init() {}

    /// Adds a route; `pattern` must start with `/`.
    package mutating func add(_ method: String, _ pattern: String, _ handler: Handler) {
        let segments = Router.split(pattern).map { part -> RouteSegment in
            part.hasPrefix("{") && part.hasSuffix("}")
                ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
        let index = patterns.firstIndex(of: pattern) ?? patterns.count
        if index == patterns.count { patterns.append(pattern) }
        routes.append(Route(method: method, pattern: pattern, segments: segments, handler: handler))
        shapes.append(RouteShape(method: method, segments: segments, patternIndex: index))
    }

    /// The index in `patterns` of the route `match` would find for `method` and `path`, or, when the
    /// path exists only for other methods (a 405), of the first pattern the path fits; nil when no
    /// pattern fits. Called for every request (metrics), so it allocates nothing: no parts array, no
    /// parameters.
    package func patternIndex(method: String, path: Substring) -> Int? {
        RouteShape.patternIndex(in: shapes, method: method, path: path)
    }

    /// Finds the route for `method` and `path` (the path without query).
    package func match(method: String, path: Substring) -> Match {
        let parts = Router.split(path)
        var allowed: [String] = []
        for route in routes {
            guard let parameters = Router.bind(route.segments, to: parts) else { continue }
            if route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(route.handler, pattern: route.pattern, parameters: parameters)
            }
            for allowedMethod in route.method == "GET" ? ["GET", "HEAD"] : [route.method]
            where !allowed.contains(allowedMethod) {
                allowed.append(allowedMethod)
            }
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    private static func bind(_ segments: [RouteSegment], to parts: [Substring]) -> [String: String]? {
        guard segments.count == parts.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let text):
                guard part == text else { return nil }
            case .parameter(let name):
                guard let value = PercentDecoding.decode(part), !value.isEmpty else { return nil }
                parameters[name] = value
            }
        }
        return parameters
    }

    /// `/a/b` → ["a", "b"]; `/` → [].
    private static func split<S: StringProtocol>(_ path: S) -> [Substring] {
        let text = Substring(path)
        if text == "/" { return [] }
        return Array(text.split(separator: "/", omittingEmptySubsequences: false).dropFirst())
    }
}

/// One part of a route pattern.
private enum RouteSegment: Equatable, Sendable {
    case literal(String)
    case parameter(String)
}

/// A route as `patternIndex` needs it: method, segments and the index of its pattern.
private struct RouteShape: Sendable {
    let method: String
    let segments: [RouteSegment]
    let patternIndex: Int

    static func patternIndex(in shapes: [RouteShape], method: String, path: Substring) -> Int? {
        var pathOnly: Int?
        for shape in shapes where fits(shape.segments, path) {
            if shape.method == method || (method == "HEAD" && shape.method == "GET") { return shape.patternIndex }
            if pathOnly == nil { pathOnly = shape.patternIndex }
        }
        return pathOnly
    }

    /// True when `Router.bind(segments, to: Router.split(path))` would succeed, walking the path in place: a literal
    /// must be equal, a parameter non-empty and decodable (decoding is tried only when the part holds
    /// an escape; otherwise it cannot fail).
    private static func fits(_ segments: [RouteSegment], _ path: Substring) -> Bool {
        let slash = UInt8(ascii: "/")
        let bytes = path.utf8
        // As in `split`: `/` has no parts, and the text before the first slash is not a part.
        let isRoot = bytes.count == 1 && bytes.first == slash
        guard !isRoot, var cursor = bytes.firstIndex(of: slash) else { return segments.isEmpty }
        for segment in segments {
            guard cursor != bytes.endIndex else { return false }
            let start = bytes.index(after: cursor)
            let end = bytes[start...].firstIndex(of: slash) ?? bytes.endIndex
            let part = path[start..<end]
            switch segment {
            case .literal(let text):
                guard same(part, text) else { return false }
            case .parameter:
                guard !part.isEmpty else { return false }
                if part.utf8.contains(UInt8(ascii: "%")) {
                    guard let value = PercentDecoding.decode(part), !value.isEmpty else { return false }
                }
            }
            cursor = end
        }
        return cursor == bytes.endIndex
    }

    /// `part == text` as `bind` compares (canonical equivalence), by bytes when both are ASCII: two
    /// ASCII strings are canonically equivalent exactly when their bytes are equal.
    private static func same(_ part: Substring, _ text: String) -> Bool {
        let ascii = { (byte: UInt8) in byte < 0x80 }
        if part.utf8.allSatisfy(ascii) && text.utf8.allSatisfy(ascii) { return part.utf8.elementsEqual(text.utf8) }
        return part == text
    }
}

/// Percent-decoding of URL parts (RFC 3986 §2.1); nil for malformed escapes or invalid UTF-8.
package enum PercentDecoding {
    package static func decode<S: StringProtocol>(_ text: S, plusIsSpace: Bool = false) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hex), let low = iterator.next().flatMap(hex) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else if plusIsSpace && byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
