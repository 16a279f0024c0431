import FuzzSupport

@testable import OrderCore

/// Fuzzes the NDJSON and CSV readers of `POST /` (docs/contract.md §3, body formats). Control byte 0:
/// bit 0 chooses the format (0 NDJSON, 1 CSV), the rest seeds how the body is cut into chunks; the
/// rest of the input is the body. Checks: reading the body whole, byte by byte and in random chunks
/// (empty ones included) gives the same result; a cap of 2 orders never turns a refusal into an
/// acceptance; every problem of a 422 has a line, and the lines never go backwards; every accepted
/// order's payload, posted again as JSON, is the same order.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLineBatch(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let input = FuzzInput(data, count, controlCount: 1) else { return 0 }
    let csv = input.control[0] & 1 == 1
    // Small limits, so the fuzzer reaches them with short inputs.
    func reader() -> any StreamingBatchReader {
        csv
            ? CSVBatchReader(maxOrders: 1_000, maxRecordBytes: 512, maxFields: 16)
            : NDJSONBatchReader(maxOrders: 1_000, maxLineBytes: 512)
    }
    let whole = read(reader(), [input.payload])
    let bytewise = read(reader(), input.payload.map { [$0] })
    let chunks = split(input.payload, maxChunk: 64, seed: UInt64(input.control[0] >> 1))
    let chunked = read(reader(), chunks)
    check(same(whole, bytewise), "byte by byte: \(whole) vs \(bytewise) for \(describe(input.payload))")
    check(same(whole, chunked), "in chunks: \(whole) vs \(chunked) for \(describe(input.payload))")

    let capped = read(
        csv
            ? CSVBatchReader(maxOrders: 2, maxRecordBytes: 512, maxFields: 16)
            : NDJSONBatchReader(maxOrders: 2, maxLineBytes: 512), [input.payload])
    switch (whole, capped) {
    case (.success(let orders), .success(let few)):
        check(orders.count <= 2 && orders == few, "\(orders.count) orders passed a cap of 2")
    case (.success(let orders), .failure(.tooManyOrders)):
        check(orders.count > 2, "tooManyOrders for \(orders.count) orders")
    case (.success, .failure(let failure)):
        fatalError("invariant violated: accepted without a cap, \(failure) with one")
    case (.failure, .success):
        fatalError("invariant violated: refused without a cap, accepted with one")
    case (.failure, .failure):
        break
    }

    switch whole {
    case .success(let orders):
        for order in orders {
            guard case .success(let again) = OrderBatch.decode(order.payload), again == [order] else {
                fatalError("invariant violated: an accepted order's payload is not the same order as JSON")
            }
        }
    case .failure(.invalid(let problems)):
        check(!problems.isEmpty && problems.count <= OrderBatch.maxReportedProblems, "\(problems.count) problems")
        let lines = problems.map { $0.line ?? 0 }
        check(lines.allSatisfy { $0 >= 1 } && lines == lines.sorted(), "problem lines \(lines)")
    case .failure(.malformed(let error)), .failure(.malformedCSV(let error)):
        check(error.line >= 1 && error.column >= 1 && error.offset >= 0, "position \(error)")
        check(error.offset <= input.payload.count, "offset \(error.offset) past the body")
    case .failure(.tooManyOrders):
        break
    }
    return 0
}

private func read(_ reader: any StreamingBatchReader, _ chunks: [[UInt8]]) -> Result<[Order], OrderBatch.Failure> {
    var reader = reader
    for chunk in chunks {
        let more = chunk.withUnsafeBufferPointer { reader.feed($0) }
        if !more { break }
    }
    return reader.finish()
}

/// Results agree: the same orders, or the same failure with the same details.
private func same(_ a: Result<[Order], OrderBatch.Failure>, _ b: Result<[Order], OrderBatch.Failure>) -> Bool {
    switch (a, b) {
    case (.success(let x), .success(let y)): x == y
    case (.failure(.malformed(let x)), .failure(.malformed(let y))): x == y
    case (.failure(.malformedCSV(let x)), .failure(.malformedCSV(let y))): x == y
    case (.failure(.invalid(let x)), .failure(.invalid(let y))): x == y
    case (.failure(.tooManyOrders(let x)), .failure(.tooManyOrders(let y))): x == y
    default: false
    }
}
