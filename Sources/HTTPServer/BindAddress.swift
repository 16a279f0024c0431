#if canImport(Glibc)
    import Glibc
#endif

/// The address the server binds (`ServerConfiguration.host`, the `HOST` setting): a numeric IPv4
/// address (`0.0.0.0`, `127.0.0.1`, …) or IPv6 address (`::`, `::1`, …, brackets allowed). Names
/// (`localhost`) are not resolved: what the server listens on must not depend on a resolver.
package struct BindAddress: Sendable, Equatable, CustomStringConvertible {
    package enum Family: Sendable, Equatable {
        case ipv4, ipv6
    }

    package let family: Family
    /// The address without brackets, as given.
    package let text: String

    /// `0.0.0.0`: every IPv4 interface (the server's default).
    package static let everyIPv4Interface = BindAddress(family: .ipv4, text: "0.0.0.0")

    private init(family: Family, text: String) {
        self.family = family
        self.text = text
    }

    /// Nil when `text` is not a numeric IPv4 or IPv6 address.
    package init?(_ text: String) {
        var address = Substring(text)
        if address.hasPrefix("[") && address.hasSuffix("]") { address = address.dropFirst().dropLast() }
        let plain = String(address)
        if BindAddress.ipv4(plain) != nil {
            family = .ipv4
        } else if BindAddress.ipv6(plain) != nil {
            family = .ipv6
        } else {
            return nil
        }
        self.text = plain
    }

    /// True for `0.0.0.0` and `::`: every address of the machine.
    package var isWildcard: Bool {
        switch family {
        case .ipv4: BindAddress.ipv4(text)?.s_addr == 0
        case .ipv6: BindAddress.ipv6(text).map { withUnsafeBytes(of: $0) { $0.allSatisfy { $0 == 0 } } } ?? false
        }
    }

    /// The host part of a URL for it: IPv6 in brackets.
    package var urlHost: String { family == .ipv6 ? "[\(text)]" : text }

    /// An address a client on this machine reaches the server on: the loopback address of its family
    /// for a wildcard, else the address itself (`ordersync healthcheck`).
    package var localAddress: String {
        guard isWildcard else { return text }
        return family == .ipv4 ? "127.0.0.1" : "::1"
    }

    package var description: String { text }

    static func ipv4(_ text: String) -> in_addr? {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1 ? address : nil
    }

    static func ipv6(_ text: String) -> in6_addr? {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1 ? address : nil
    }

    /// The socket domain of the family: `AF_INET` or `AF_INET6`.
    package var domain: Int32 { family == .ipv4 ? AF_INET : AF_INET6 }

    /// Connects the socket `fd` (of `domain`) to this address and `port`; 0, or -1 with errno set,
    /// as connect(2).
    package func connect(_ fd: Int32, port: UInt16) -> Int32 {
        let (address, length) = socketAddress(port: port)
        return withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
        }
    }

    /// A socket address for `port`, with its length.
    func socketAddress(port: UInt16) -> (sockaddr_storage, socklen_t) {
        var storage = sockaddr_storage()
        switch family {
        case .ipv4:
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr = BindAddress.ipv4(text) ?? in_addr()
            withUnsafeMutableBytes(of: &storage) { target in
                withUnsafeBytes(of: &address) { target.copyMemory(from: $0) }
            }
            return (storage, socklen_t(MemoryLayout<sockaddr_in>.size))
        case .ipv6:
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            address.sin6_addr = BindAddress.ipv6(text) ?? in6_addr()
            withUnsafeMutableBytes(of: &storage) { target in
                withUnsafeBytes(of: &address) { target.copyMemory(from: $0) }
            }
            return (storage, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
    }
}
