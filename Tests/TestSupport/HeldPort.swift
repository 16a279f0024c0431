import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP socket bound to an IPv4 address on a port the system picks, never listening: while it is open
/// no listener can take that address and port, and a connection there is refused. Also the way to
/// find a free port: the kernel's pick, released when the object goes.
package final class HeldPort {
    package struct Failed: Error {
        package let call: String
        package let code: Int32
    }

    package let descriptor: Int32
    package let port: UInt16

    package init(_ host: String) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failed(call: "socket", code: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw Failed(call: "inet_pton", code: EINVAL)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(fd, address, length) == 0 && getsockname(fd, address, &length) == 0
            }
        }
        guard bound else {
            let code = errno
            close(fd)
            throw Failed(call: "bind", code: code)
        }
        descriptor = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(descriptor) }
}
