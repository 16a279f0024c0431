import FuzzSupport
import HTTPFuzzSupport

@testable import HTTPServer

/// A valid head announcing a chunked body; the fuzz bytes follow it as that body (and whatever comes
/// after, which the parser reads as the next pipelined request).
let chunkedHead = Array("POST / HTTP/1.1\r\nHost: fuzz\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)

/// Fuzzes the chunked body decoder of `HTTPRequestParser`. Input: two control bytes (limits and how
/// the stream is cut into reads, see `DeliveryCheck`), then the body bytes. Checks: the request
/// fuzzer's invariants, plus the differential one: a body that `StrictChunkedDecoder` accepts is
/// accepted with the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChunkedBody(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let input = FuzzInput(data, count, controlCount: DeliveryCheck.controlCount) else { return 0 }
    let (run, limits) = DeliveryCheck.run(chunkedHead + input.payload, control: input.control)
    let expected = StrictChunkedDecoder.decode(
        input.payload, maxBodyBytes: limits.maxBodyBytes, maxTrailerCount: limits.maxHeaderCount,
        maxTrailerBytes: limits.maxHeaderBytes)
    if let expected {
        let body = run.requests.first?.body
        check(body == expected, "strictly valid chunked body: parser gave \(body.map { describe($0) } ?? "nothing")")
    }
    return 0
}
