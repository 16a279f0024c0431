import FuzzSupport

@testable import OrderCore

/// Fuzzes order ingestion as `POST /` does it after decompression: `OrderBatch.decode` (the streaming
/// `JSONParser.forEachElement` plus `OrderValidator`) on the raw body. The whole input is the body,
/// read in place, so AddressSanitizer sees any read past its end. Checks: see `BatchInvariants` and
/// `CanonicalJSON`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOrderBatch(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let body = UnsafeBufferPointer(start: count > 0 ? data : nil, count: count)
    let decoded = OrderBatch.decode(body)
    let tree = Result { () throws(JSONSyntaxError) in try JSONParser.parse(body) }
    if case .success(let value) = tree { CanonicalJSON.checkRoundTrip(value) }
    BatchInvariants.checkAgainstTree(decoded, tree: tree)
    BatchInvariants.checkBatchLimit(decoded, body: body)
    if case .success(let orders) = decoded {
        for order in orders { BatchInvariants.checkOrder(order) }
    }
    return 0
}
