import FuzzSupport

@testable import Gzip

/// Output caps a fuzz input runs under, from a control byte: zero, tiny, a chunk, and large.
let caps = [0, 1, 100, 4_096, 65_536, 65_537, 1 << 20, 32 << 20]

/// Fuzzes gzip decoding (`Inflater.gunzip`) as `POST /` uses it, and the `Deflater` round trip.
/// Input: one control byte, then the payload. Control bit 0 clear: the payload is a gzip body, inflated
/// under the cap the other bits choose; the cap must hold, and the capped answer must agree with an
/// uncapped one. Bit 0 set: the payload is compressed (in reads cut by the control byte) and must
/// inflate to itself, exactly at its own size as the cap and `tooLarge` one byte below it; any
/// truncation of the compressed stream must be refused as corrupt.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let input = FuzzInput(data, count, controlCount: 1) else { return 0 }
    let control = Int(input.control[0])
    if control & 1 == 0 {
        inflate(input.payload, cap: caps[(control >> 1) % caps.count])
    } else {
        roundTrip(input.payload, control: control >> 1)
    }
    return 0
}

func gunzip(_ bytes: [UInt8], limit: Int) -> Result<[UInt8], GzipError> {
    do throws(GzipError) {
        return .success(try Inflater.gunzip(bytes, limit: limit))
    } catch {
        return .failure(error)
    }
}

/// Arbitrary bytes as a gzip body: a capped run must agree with an uncapped one (deflate expands at most
/// 1032:1, so a fuzz input's output always fits in memory).
func inflate(_ body: [UInt8], cap: Int) {
    let capped = gunzip(body, limit: cap)
    let uncapped = gunzip(body, limit: .max)
    switch (capped, uncapped) {
    case (.success(let output), .success(let reference)):
        check(output.count <= cap, "\(output.count) bytes out under a cap of \(cap)")
        check(output == reference, "capped output differs from the uncapped one")
    case (.failure(.tooLarge(let limit)), .success(let reference)):
        check(limit == cap, "tooLarge reports \(limit), not the cap \(cap)")
        check(reference.count > cap, "tooLarge under a cap of \(cap) for \(reference.count) bytes")
    case (.failure(.tooLarge(let limit)), .failure(.corrupt)):
        check(limit == cap, "tooLarge reports \(limit), not the cap \(cap)")  // broken after the cap
    case (.failure(.corrupt(let reason)), .failure(.corrupt(let reference))):
        check(reason == reference, "corrupt for another reason than uncapped: \(reason) / \(reference)")
    default:
        fatalError("invariant violated: capped \(capped) but uncapped \(uncapped)")
    }
}

/// Any bytes compressed (whole or in pieces) inflate back to themselves, and the cap is exact.
func roundTrip(_ plain: [UInt8], control: Int) {
    let compressed: [UInt8]
    do {
        let deflater = try Deflater(level: Int32(control % 9 + 1))
        var output: [UInt8] = []
        for piece in split(plain, maxChunk: control % 2 == 0 ? 7 : 4_096, seed: UInt64(control)) {
            try piece.withUnsafeBytes { bytes in try deflater.compress(bytes) { output.append(contentsOf: $0) } }
        }
        try deflater.finish { output.append(contentsOf: $0) }
        compressed = output
    } catch {
        fatalError("invariant violated: compressing \(plain.count) bytes failed: \(error)")
    }
    check(gunzip(compressed, limit: plain.count) == .success(plain), "the round trip changed the bytes")
    if !plain.isEmpty {
        check(gunzip(compressed, limit: plain.count - 1) == .failure(.tooLarge(limit: plain.count - 1)), "cap - 1")
    }
    let cut = control % compressed.count
    if cut > 0, case .failure(.corrupt) = gunzip(Array(compressed.prefix(cut)), limit: .max) {
    } else if cut > 0 {
        fatalError("invariant violated: a gzip stream cut to \(cut) of \(compressed.count) bytes was not refused")
    }
    if case .failure(.corrupt) = gunzip(compressed + [0], limit: .max) {
    } else {
        fatalError("invariant violated: a byte after the gzip stream was not refused")
    }
}
