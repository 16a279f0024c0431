import OrderCore
import TestSupport

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
        var random = SeededGenerator(seed: seed)
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
