import Foundation
import Synchronization

/// Clients that walk away mid-exchange, in every way a real one does: before sending anything, inside
/// the request head, inside a body (sized or chunked), between keep-alive requests, before reading an
/// answer, and part-way through a large streamed answer; half of them with a FIN, half with a reset.
enum AbandoningClient {
    /// The ways, chosen round-robin by a client's number.
    static let modeCount = 20

    /// How a run went.
    struct Summary: CustomStringConvertible {
        /// Clients that could not even connect or send.
        var failed: Int
        /// Clients that took over a second (waiting on the server), the longest one, and the whole run.
        var slow: Int
        var longest: Double
        var seconds: Double

        var description: String {
            "\(Int(seconds.rounded())) s, \(failed) failed, \(slow) took over 1 s, the longest \(Int(longest * 1_000)) ms"
        }
    }

    /// Runs `count` clients, `concurrency` at a time.
    static func run(count: Int, concurrency: Int, port: UInt16) -> Summary {
        let next = Atomic<Int>(0)
        let failures = Atomic<Int>(0)
        let slow = Atomic<Int>(0)
        let longest = Mutex<Double>(0)
        let group = DispatchGroup()
        let start = Date()
        for _ in 0..<concurrency {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                while true {
                    let number = next.add(1, ordering: .relaxed).oldValue
                    guard number < count else { return }
                    let began = Date()
                    if (try? abandon(number: number, port: port)) == nil { failures.add(1, ordering: .relaxed) }
                    let took = Date().timeIntervalSince(began)
                    if took > 1 { slow.add(1, ordering: .relaxed) }
                    longest.withLock { $0 = max($0, took) }
                }
            }
        }
        group.wait()
        return Summary(
            failed: failures.load(ordering: .relaxed), slow: slow.load(ordering: .relaxed),
            longest: longest.withLock { $0 }, seconds: Date().timeIntervalSince(start))
    }

    /// One client: connects, does its part of an exchange, and leaves (the close is in RawClient's deinit).
    private static func abandon(number: Int, port: UInt16) throws {
        let client = try RawClient(port: port, receiveTimeoutSeconds: 10)
        let mode = number % modeCount
        if mode % 2 == 1 { client.resetOnClose() }
        switch mode {
        case 0, 1:
            break  // connects and leaves
        case 2, 3:
            try client.send("GET /orders/abc HTTP/1.1\r\nHost: t\r\nAccept: appl")
        case 4, 5:
            try client.send(
                "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n[{\"order"
            )
        case 6, 7:
            try client.send(
                "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "400\r\n[{\"order_id\":")
        case 8, 9:
            // One whole exchange on a keep-alive connection, then half of the next request.
            try client.send(Request.get("/healthz"))
            _ = try client.readResponse()
            try client.send("GET /heal")
        case 10, 11:
            // Pipelined requests whose answers are never read.
            try client.send(Request.get("/healthz") + Request.get("/views"))
        case 12, 13:
            // A whole batch, left before the answer: it is stored, the answer has nowhere to go.
            try client.send(Request.post(Orders.batch(["abandoned-\(number)"])))
        case 14, 15:
            // Waits for 100-continue, then leaves without the body.
            try client.send(
                "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 50\r\n"
                    + "Expect: 100-continue\r\n\r\n")
            client.receive(atLeast: 25)
        case 16, 17:
            // A page of the dashboard (static) read for its first kilobyte.
            try client.send(Request.get("/dashboard", headers: ["Connection: close"]))
            client.receive(atLeast: 1_024)
        default:
            // A large streamed answer (every order; a view with limit=all), read for its first 16 KiB.
            let path = mode == 18 ? "/" : "/views/latest_order_v?limit=all"
            try client.send(Request.get(path, headers: ["Connection: close"]))
            client.receive(atLeast: 16 * 1024)
        }
    }
}
