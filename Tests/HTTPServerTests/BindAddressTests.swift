import HTTPServer
import Testing

/// The `HOST` setting's parsing: numeric IPv4 and IPv6 addresses only.
@Suite struct BindAddressTests {
    @Test(arguments: [
        ("0.0.0.0", BindAddress.Family.ipv4, "0.0.0.0", true, "127.0.0.1"),
        ("127.0.0.1", .ipv4, "127.0.0.1", false, "127.0.0.1"),
        ("10.1.2.3", .ipv4, "10.1.2.3", false, "10.1.2.3"),
        ("::", .ipv6, "[::]", true, "::1"),
        ("[::]", .ipv6, "[::]", true, "::1"),
        ("::1", .ipv6, "[::1]", false, "::1"),
        ("[fd00::5]", .ipv6, "[fd00::5]", false, "fd00::5"),
        ("0:0:0:0:0:0:0:0", .ipv6, "[0:0:0:0:0:0:0:0]", true, "::1"),
    ])
    func numericAddressesParse(
        _ text: String, _ family: BindAddress.Family, _ urlHost: String, _ wildcard: Bool, _ local: String
    ) throws {
        let address = try #require(BindAddress(text))
        #expect(address.family == family)
        #expect(address.urlHost == urlHost)
        #expect(address.isWildcard == wildcard)
        #expect(address.localAddress == local)
    }

    @Test func theDefaultIsEveryIPv4Interface() {
        #expect(BindAddress.everyIPv4Interface == BindAddress("0.0.0.0"))
        #expect(BindAddress.everyIPv4Interface.isWildcard)
    }

    @Test(arguments: [
        "", " ", "localhost", "example.com", "127.1", "127.0.0.256", "1.2.3.4.5", "0.0.0.0 ", " 0.0.0.0",
        "0.0.0.0:8080", "[::1]:8080", ":::", "[::1", "::1]", "fe80::1%eth0", "http://0.0.0.0",
    ])
    func anythingElseIsRefused(_ text: String) {
        #expect(BindAddress(text) == nil, "\(text)")
    }
}
