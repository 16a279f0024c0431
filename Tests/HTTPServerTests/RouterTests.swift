import HTTPServer
import Testing

@Suite struct RouterTests {
    private enum Endpoint: Sendable, Equatable {
        case ingest, latest, order, views, view, orderEvents, health
    }

    private let router: Router<Endpoint> = {
        var router = Router<Endpoint>()
        router.add("POST", "/", .ingest)
        router.add("GET", "/", .latest)
        router.add("GET", "/orders/{order_id}", .order)
        router.add("GET", "/orders/{order_id}/events/{event}", .orderEvents)
        router.add("GET", "/views", .views)
        router.add("GET", "/views/{name}", .view)
        router.add("GET", "/healthz", .health)
        return router
    }()

    /// The endpoint, pattern and parameters of a match, or nil when it is not `.found`.
    private func found(_ method: String, _ path: Substring) -> (Endpoint, String, [String: String])? {
        guard case .found(let endpoint, let pattern, let parameters) = router.match(method: method, path: path) else {
            return nil
        }
        return (endpoint, pattern, parameters)
    }

    private func isNotFound(_ method: String, _ path: Substring) -> Bool {
        if case .notFound = router.match(method: method, path: path) { return true }
        return false
    }

    private func allowed(_ method: String, _ path: Substring) -> [String]? {
        guard case .methodNotAllowed(let allowed) = router.match(method: method, path: path) else { return nil }
        return allowed
    }

    @Test func literalRoutes() throws {
        let root = try #require(found("GET", "/"))
        #expect(root.0 == .latest)
        #expect(root.1 == "/")
        #expect(root.2 == [:])
        #expect(found("POST", "/")?.0 == .ingest)
        #expect(found("GET", "/views")?.0 == .views)
        #expect(found("GET", "/healthz")?.0 == .health)
    }

    @Test func parametersAreBound() throws {
        let match = try #require(found("GET", "/orders/A-1001"))
        #expect(match.0 == .order)
        #expect(match.1 == "/orders/{order_id}")
        #expect(match.2 == ["order_id": "A-1001"])
        let nested = try #require(found("GET", "/orders/7/events/paid"))
        #expect(nested.0 == .orderEvents)
        #expect(nested.2 == ["order_id": "7", "event": "paid"])
    }

    @Test(arguments: [
        ("/orders/a%20b", "a b"),
        ("/orders/a%2Fb", "a/b"),
        ("/orders/caf%C3%A9", "café"),
        ("/orders/%e2%82%ac", "€"),
        ("/orders/a+b", "a+b"),
        ("/orders/100%25", "100%"),
    ])
    func parametersArePercentDecoded(path: String, expected: String) {
        #expect(found("GET", Substring(path))?.2 == ["order_id": expected])
    }

    @Test(arguments: [
        "/orders/%", "/orders/%2", "/orders/%zz", "/orders/a%G0", "/orders/%FF", "/orders/%C3", "/orders/%ED%A0%80",
    ])
    func invalidPercentEscapeIsNotFound(path: String) {
        #expect(isNotFound("GET", Substring(path)))
    }

    @Test func literalsMustMatchExactly() {
        #expect(isNotFound("GET", "/Views"))
        #expect(isNotFound("GET", "/view"))
        #expect(isNotFound("GET", "/v%69ews"))  // literal segments are not decoded
        #expect(isNotFound("GET", "/nothing"))
    }

    @Test func trailingSlashAndEmptySegmentsAreNotFound() {
        #expect(isNotFound("GET", "/views/"))
        #expect(isNotFound("GET", "/healthz/"))
        #expect(isNotFound("GET", "/orders/"))
        #expect(isNotFound("GET", "//views"))
        #expect(isNotFound("GET", "/orders//events/x"))
    }

    @Test func extraOrMissingSegmentsAreNotFound() {
        #expect(isNotFound("GET", "/orders"))
        #expect(isNotFound("GET", "/orders/1/2"))
        #expect(isNotFound("GET", "/orders/1/events"))
    }

    @Test func wrongMethodIs405WithTheAllowedMethods() {
        #expect(allowed("DELETE", "/") == ["POST", "GET", "HEAD"])
        #expect(allowed("POST", "/orders/1") == ["GET", "HEAD"])
        #expect(allowed("PUT", "/views/daily") == ["GET", "HEAD"])
        #expect(allowed("get", "/healthz") == ["GET", "HEAD"])  // methods are case-sensitive
    }

    @Test func headIsServedByTheGetRoute() {
        #expect(found("HEAD", "/orders/9")?.0 == .order)
        #expect(found("HEAD", "/orders/9")?.2 == ["order_id": "9"])
        #expect(found("HEAD", "/")?.0 == .latest)
    }

    @Test func headOnAPostOnlyRouteIs405() {
        var router = Router<Endpoint>()
        router.add("POST", "/sync", .ingest)
        guard case .methodNotAllowed(let allowed) = router.match(method: "HEAD", path: "/sync") else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == ["POST"])
    }

    @Test func firstMatchingRouteWins() {
        var router = Router<Endpoint>()
        router.add("GET", "/views/latest", .latest)
        router.add("GET", "/views/{name}", .view)
        guard case .found(let first, _, let parameters) = router.match(method: "GET", path: "/views/latest") else {
            Issue.record("expected a route")
            return
        }
        #expect(first == .latest)
        #expect(parameters == [:])
        guard case .found(let other, _, _) = router.match(method: "GET", path: "/views/daily") else {
            Issue.record("expected a route")
            return
        }
        #expect(other == .view)
    }

    /// The 405 answer's `Allow` lists each method once, even when several routes match the path.
    @Test func allowedMethodsAreListedOnce() {
        var router = Router<Endpoint>()
        router.add("GET", "/views/latest", .latest)
        router.add("GET", "/views/{name}", .view)
        router.add("POST", "/views/{name}", .ingest)
        guard case .methodNotAllowed(let allowed) = router.match(method: "DELETE", path: "/views/latest") else {
            Issue.record("expected 405")
            return
        }
        #expect(Set(allowed) == ["GET", "HEAD", "POST"])
        #expect(allowed.count == Set(allowed).count, "\(allowed)")
    }

    @Test func emptyRouterFindsNothing() {
        let router = Router<Endpoint>()
        guard case .notFound = router.match(method: "GET", path: "/") else {
            Issue.record("expected not found")
            return
        }
    }

    @Test func percentDecodingWithPlusAsSpace() {
        #expect(PercentDecoding.decode("a+b%2Bc", plusIsSpace: true) == "a b+c")
        #expect(PercentDecoding.decode("a+b", plusIsSpace: false) == "a+b")
        #expect(PercentDecoding.decode("") == "")
        #expect(PercentDecoding.decode("%00") == "\u{0}")
        #expect(PercentDecoding.decode("%C0%80") == nil)  // overlong UTF-8
    }

    /// The pattern label for metrics: distinct patterns in order, and the index `match` agrees with.
    @Test func patternIndexAgreesWithMatch() throws {
        #expect(
            router.patterns == [
                "/", "/orders/{order_id}", "/orders/{order_id}/events/{event}", "/views", "/views/{name}", "/healthz",
            ])
        let paths: [Substring] = [
            "/", "/orders/A1", "/orders/A%201", "/orders/%zz", "/orders/", "/orders/a/events/b", "/views",
            "/views/x", "/healthz", "/nope", "//", "/views/x/y", "/orders/%C0%80", "*", "orders/A1", "", "/orders//",
            "/views/", "///", "/orders/A1/events/", "/orders/A1/events/e/", "/healthz/",
        ]
        for method in ["GET", "HEAD", "POST"] {
            for path in paths {
                let index = router.patternIndex(method: method, path: path)
                switch router.match(method: method, path: path) {
                case .found(_, let pattern, _):
                    #expect(index.map { router.patterns[$0] } == pattern, "\(method) \(path)")
                case .methodNotAllowed:
                    #expect(index != nil, "\(method) \(path)")
                case .notFound:
                    #expect(index == nil, "\(method) \(path)")
                }
            }
        }
    }

    /// A path served only for other methods (a 405) still gets the pattern it fits.
    @Test func patternIndexOfA405IsThePathsPattern() {
        let index = router.patternIndex(method: "DELETE", path: "/orders/A1")
        #expect(index.map { router.patterns[$0] } == "/orders/{order_id}")
        #expect(router.patternIndex(method: "DELETE", path: "/") == 0)
    }

    /// Literals compare as `match` compares them (canonical equivalence), also for non-ASCII text.
    @Test func patternIndexComparesLiteralsLikeMatch() {
        var router = Router<Endpoint>()
        router.add("GET", "/caf\u{E9}", .views)
        router.add("GET", "/K", .health)
        for path: Substring in ["/caf\u{E9}", "/cafe\u{301}", "/cafe", "/\u{212A}", "/K", "/k"] {
            let index = router.patternIndex(method: "GET", path: path)
            if case .found(_, let pattern, _) = router.match(method: "GET", path: path) {
                #expect(index.map { router.patterns[$0] } == pattern, "\(path)")
            } else {
                #expect(index == nil, "\(path)")
            }
        }
        #expect(router.patternIndex(method: "GET", path: "/cafe\u{301}") == 0)
    }
}
