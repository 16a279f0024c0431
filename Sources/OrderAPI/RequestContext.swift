import HTTPServer
import Synchronization

/// Per-request identity for logs: the request id (echoed as `X-Request-Id`) and the trace the
/// platform started (`X-Cloud-Trace-Context` or W3C `traceparent`), in Cloud Logging's terms.
enum RequestContext {
    /// The client's `X-Request-Id` when it is a sane token (1–128 of `A-Z a-z 0-9 . _ : -`), else a new one.
    static func requestID(for head: HTTPRequestHead?) -> String {
        if let given = head?.headers["x-request-id"], (1...128).contains(given.utf8.count),
            given.utf8.allSatisfy({ byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
                    || byte == UInt8(ascii: "-")
            })
        {
            return given
        }
        return hex(processPart) + hex(mix(counter.add(1, ordering: .relaxed).newValue))
    }

    /// A fresh id is this process's random half and a counter, scrambled: unique without asking the
    /// kernel for random bytes on every request (two `getrandom` calls per request showed in a profile
    /// of the small-ingest load, docs/contract.md §4).
    private static let processPart = UInt64.random(in: 0...UInt64.max)
    private static let counterSeed = UInt64.random(in: 0...UInt64.max)
    private static let counter = Atomic<UInt64>(0)

    /// SplitMix64's finalizer (Steele, Lea, Flood 2014): a bijection, so distinct counters give distinct ids.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ counterSeed
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// (trace id, span id) from `traceparent` (`00-<32 hex>-<16 hex>-<flags>`) or
    /// `X-Cloud-Trace-Context` (`<32 hex>/<decimal span>;o=1`); nil when neither is well formed.
    static func trace(for head: HTTPRequestHead?) -> (trace: String, span: String?)? {
        guard let head else { return nil }
        if let parent = head.headers["traceparent"] {
            let parts = parent.split(separator: "-")
            if parts.count == 4, parts[1].count == 32, parts[2].count == 16, isHex(parts[1]), isHex(parts[2]) {
                return (String(parts[1]), String(parts[2]))
            }
        }
        if let cloud = head.headers["x-cloud-trace-context"] {
            let traceAndRest = cloud.split(separator: "/", maxSplits: 1)
            if let trace = traceAndRest.first, trace.count == 32, isHex(trace) {
                let span = traceAndRest.count > 1 ? traceAndRest[1].prefix { $0.isNumber } : ""
                return (String(trace), span.isEmpty ? nil : String(span))
            }
        }
        return nil
    }

    private static func isHex(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0) }
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
