import FuzzSupport
import HTTPFuzzSupport

/// Fuzzes the HTTP/1.1 request parser (`HTTPRequestParser`, `HTTPHeadParser`) with arbitrary byte
/// streams: pipelined requests, any framing, any limits. Input: two control bytes (see
/// `DeliveryCheck`), then the bytes a client sends. Checks: no crash or trap, the limits hold for
/// everything handed out (`RequestInvariants`), and cutting the stream into reads changes nothing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequest(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let input = FuzzInput(data, count, controlCount: DeliveryCheck.controlCount) else { return 0 }
    _ = DeliveryCheck.run(input.payload, control: input.control)
    return 0
}
