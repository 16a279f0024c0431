/// Reads a JSON body of `POST /` (an array of orders or one order object, docs/contract.md §3) as it
/// arrives in pieces. JSON is parsed once the body is whole, by the same `OrderBatch.decode` as a body
/// in one piece, so the answer never depends on how the body was cut. Until then the body is held in
/// segments of at most 1 MiB, each allocated as bytes arrive for it: memory follows the bytes that
/// arrived (never a buffer reserved from a declared length, never one that doubles and copies). At
/// the end the segments become one buffer (each given back once copied), the buffer is parsed, and
/// after that only the orders are held.
package struct JSONBatchReader: StreamingBatchReader {
    /// The largest segment.
    package static let segmentBytes = 1 << 20
    /// While parsing, `hold` is told what the reader holds each time that grew by this much.
    static let holdStep = 256 * 1024

    private let maxOrders: Int
    private let expectedBytes: Int?
    private let hold: (Int) -> Bool
    private var segments: [[UInt8]] = []
    private var segmentCapacity = 0
    private var bodyBytes = 0
    private var collector: BatchCollector
    private var result: Result<[Order], OrderBatch.Failure>?

    /// A reader for a body of about `expectedBytes` (its Content-Length, when known: the first segment
    /// is sized for it, up to `segmentBytes`). While the body is parsed, `hold` is told what the reader
    /// holds (the body and the orders so far) whenever that grew by 256 KiB; when it answers false,
    /// parsing stops and the batch fails with nothing stored (the caller that refused answers for it).
    package init(
        maxOrders: Int = OrderBatch.defaultMaxOrders, expectedBytes: Int? = nil,
        hold: @escaping (Int) -> Bool = { _ in true }
    ) {
        self.maxOrders = maxOrders
        self.expectedBytes = expectedBytes
        self.hold = hold
        collector = BatchCollector(maxOrders: maxOrders)
    }

    /// The body's segments until it is parsed, then the orders.
    package var heldBytes: Int { segmentCapacity + collector.heldBytes }

    package mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        guard result == nil else { return false }
        var start = 0
        while start < chunk.count {
            if segments.isEmpty || segments[segments.count - 1].count == segments[segments.count - 1].capacity {
                let size =
                    segments.isEmpty
                    ? min(JSONBatchReader.segmentBytes, max(expectedBytes ?? 16 * 1024, 1))
                    : min(JSONBatchReader.segmentBytes, max(64 * 1024, bodyBytes))
                var segment: [UInt8] = []
                segment.reserveCapacity(size)
                segmentCapacity += segment.capacity
                segments.append(segment)
            }
            let last = segments.count - 1
            let take = min(segments[last].capacity - segments[last].count, chunk.count - start)
            segments[last].append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<(start + take)]))
            start += take
            bodyBytes += take
        }
        return true
    }

    package mutating func finish() -> Result<[Order], OrderBatch.Failure> {
        if let result { return result }
        var body: [UInt8]
        if segments.count == 1 {
            body = segments.removeLast()
        } else {
            body = []
            body.reserveCapacity(bodyBytes)
            for index in segments.indices {
                body.append(contentsOf: segments[index])
                segments[index] = []
            }
            segments = []
        }
        segmentCapacity = 0
        let bodyCapacity = body.capacity
        var reported = 0
        var stopped = false
        let hold = hold
        let decoded = body.withUnsafeBufferPointer { bytes in
            OrderBatch.decode(bytes, into: &collector) { collected in
                let held = bodyCapacity + collected.heldBytes
                guard held - reported >= JSONBatchReader.holdStep else { return true }
                reported = held
                if hold(held) { return true }
                stopped = true
                return false
            }
        }
        body = []
        let outcome: Result<[Order], OrderBatch.Failure>
        if stopped {
            collector = BatchCollector(maxOrders: maxOrders)  // what was parsed goes: nothing is stored
            let problem = ItemProblem(index: nil, field: nil, problem: "not read: the server is short of memory")
            outcome = .failure(.invalid([problem]))
        } else {
            outcome = decoded
        }
        _ = hold(heldBytes)  // shrinking: only the orders are held now
        result = outcome
        return outcome
    }
}
