import ArgumentParser
import HTTPServer

#if canImport(Glibc)
    import Glibc
#endif

/// `ordersync healthcheck`: asks the local server's `/healthz`; exit 0 on a 200. For the container's
/// HEALTHCHECK, where no curl is installed.
struct HealthcheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck",
        abstract:
            "Exit 0 when the server on $HOST:$PORT (127.0.0.1 or ::1 for a wildcard HOST) answers GET /healthz with 200."
    )

    @Option(help: "TCP port (env PORT, default 8080).")
    var port: Int?

    @Option(help: "Seconds to wait for the answer.")
    var timeout: Int = 3

    func run() throws {
        let environmentPort = getenv("PORT").map { String(cString: $0) }.flatMap { Int($0) }
        guard let port = UInt16(exactly: port ?? environmentPort ?? 8080) else { throw Failure("invalid port") }
        // Where `serve` listens with the same environment: its HOST, or loopback when it listens on all.
        let hostText = getenv("HOST").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "0.0.0.0"
        guard let bound = BindAddress(hostText), let target = BindAddress(bound.localAddress) else {
            throw Failure("invalid HOST \"\(hostText)\"")
        }
        let fd = socket(target.domain, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket failed") }
        defer { close(fd) }
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        guard target.connect(fd, port: port) == 0 else { throw Failure("nothing listens on \(target.urlHost):\(port)") }
        let request = Array("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count
        else {
            throw Failure("cannot send the request")
        }
        var answer = [UInt8](repeating: 0, count: 64)
        let count = answer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        let statusLine = count > 0 ? String(decoding: answer[0..<count], as: UTF8.self) : ""
        guard statusLine.hasPrefix("HTTP/1.1 200 ") else {
            throw Failure("unhealthy: \(statusLine.split(separator: "\r").first ?? "no answer")")
        }
    }
}
