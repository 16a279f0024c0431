import OrderCore

/// A small deterministic generator (SplitMix64), so a failing split or property case can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Feeds `body` to `reader` in chunks whose sizes come from `sizes` (cycled), then finishes it.
func readInChunks<Reader: StreamingBatchReader>(
    _ reader: Reader, _ body: [UInt8], sizes: [Int]
) -> Result<[Order], OrderBatch.Failure> {
    var reader = reader
    var start = 0
    var turn = 0
    while start < body.count {
        let end = min(body.count, start + max(1, sizes[turn % sizes.count]))
        let more = body[start..<end].withUnsafeBufferPointer { reader.feed($0) }
        start = end
        turn += 1
        if !more { break }
    }
    return reader.finish()
}

/// Every way of reading `body` this suite checks: whole, byte by byte, and in random splits.
func everySplit<Reader: StreamingBatchReader>(
    _ make: () -> Reader, _ body: [UInt8], seeds: ClosedRange<UInt64> = 1...20
) -> [Result<[Order], OrderBatch.Failure>] {
    var results = [readInChunks(make(), body, sizes: [max(1, body.count)]), readInChunks(make(), body, sizes: [1])]
    for seed in seeds {
        var random = SeededGenerator(state: seed)
        let sizes = (0..<16).map { _ in Int.random(in: 1...max(1, body.count / 3 + 1), using: &random) }
        results.append(readInChunks(make(), body, sizes: sizes))
    }
    return results
}

/// A description that tells results apart (failures carry Equatable payloads but the enum is not).
func summary(_ result: Result<[Order], OrderBatch.Failure>) -> String {
    switch result {
    case .success(let orders): "ok \(orders.map { "\($0)" })"
    case .failure(.malformed(let syntax)): "json \(syntax.reason) \(syntax.line):\(syntax.column)@\(syntax.offset)"
    case .failure(.malformedCSV(let syntax)): "csv \(syntax.reason) \(syntax.line):\(syntax.column)@\(syntax.offset)"
    case .failure(.tooManyOrders(let limit)): "too many \(limit)"
    case .failure(.invalid(let problems)): "invalid \(problems)"
    }
}
