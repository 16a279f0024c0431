import HTTPServer
import Testing

@Suite struct HTTPHeadersTests {
    @Test func namesAreCaseInsensitiveAndRepeatsKept() {
        var headers = HTTPHeaders([("Content-Type", "text/plain"), ("X-A", "1")])
        headers.add("x-a", "2")
        #expect(headers["content-type"] == "text/plain")
        #expect(headers["X-a"] == "1")
        #expect(headers.values("X-A") == ["1", "2"])
        #expect(headers.count == 3)
        #expect(headers.map(\.name) == ["content-type", "x-a", "x-a"])
        #expect(headers["missing"] == nil)
        #expect(headers.values("missing") == [])
    }

    @Test func setReplacesEveryFieldOfThatName() {
        var headers = HTTPHeaders([("X-A", "1"), ("Y", "y"), ("x-a", "2")])
        headers.set("X-a", "3")
        #expect(headers.values("x-a") == ["3"])
        #expect(headers.map(\.name) == ["y", "x-a"])
        headers.remove("Y")
        #expect(headers.count == 1)
        #expect(headers["y"] == nil)
    }

    /// The lower-casing has an ASCII fast path (HTTPHeaders.lower): it must agree with `lowercased()` on
    /// any name, ASCII or not, for every field operation.
    @Test func everyNameLowerCasesAsLowercasedDoes() {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("aZz-AЖжÉé09_!~ ".unicodeScalars)
        for _ in 0..<2_000 {
            let name = String(
                String.UnicodeScalarView(
                    (0..<Int.random(in: 0...8, using: &random)).map { _ in
                        alphabet.randomElement(using: &random)!
                    }))
            var headers = HTTPHeaders([(name, "v")])
            #expect(headers.map(\.name) == [name.lowercased()], "\(name)")
            #expect(headers[name.uppercased()] == "v" || name.uppercased().lowercased() != name.lowercased())
            headers.set(name.lowercased(), "w")
            #expect(headers.values(name) == ["w"], "\(name)")
        }
    }

    @Test func tokensAreSplitTrimmedAndLowerCasedAcrossFields() {
        let headers = HTTPHeaders([
            ("Connection", " Keep-Alive ,\tUpgrade"), ("Host", "a"), ("connection", "CLOSE,,  ,te"),
            ("Transfer-Encoding", "gzip, Chunked"),
        ])
        #expect(headers.tokens("connection") == ["keep-alive", "upgrade", "close", "te"])
        #expect(headers.tokens("transfer-encoding") == ["gzip", "chunked"])
        #expect(headers.tokens("accept") == [])
        #expect(HTTPHeaders([("A", "")]).tokens("a") == [])
        #expect(HTTPHeaders([("A", " , ,")]).tokens("a") == [])
    }

    @Test func trimmingCharactersDropsOnlyTheGivenCharactersAtTheEnds() {
        #expect(" \ta b\t ".trimmingCharacters(in: " \t") == "a b")
        #expect("xxaxx".trimmingCharacters(in: "x") == "a")
        #expect("   ".trimmingCharacters(in: " ") == "")
        #expect("a".trimmingCharacters(in: "") == "a")
    }
}
