internal import CZlib

/// Decompresses a whole gzip body (RFC 1952) with a hard cap on the output size, so a small "zip bomb"
/// can never grow past the limit in memory.
package enum Inflater {
    /// Inflates `input`; throws `.tooLarge` as soon as the output would pass `limit` bytes.
    package static func gunzip(_ input: [UInt8], limit: Int) throws(GzipError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, max(input.count * 4, 4_096)))
        try gunzip(input, limit: limit) { chunk in
            output.append(contentsOf: chunk)
            return true
        }
        return output
    }

    /// Inflates `input` in pieces of at most 64 KiB, handing each to `consume` as it is produced, so the
    /// whole output is never held; throws `.tooLarge` as soon as the output would pass `limit` bytes.
    /// When `consume` returns false, inflating stops there without an error (the rest is not checked).
    package static func gunzip(
        _ input: [UInt8], limit: Int, into consume: (UnsafeBufferPointer<UInt8>) -> Bool
    ) throws(GzipError) {
        var stream = z_stream()
        guard czlib_inflate_init_gzip(&stream) == Z_OK else { throw .zlib(code: Z_MEM_ERROR) }
        defer { inflateEnd(&stream) }

        var total = 0
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var finished = false

        let result: GzipError? = input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            while !finished {
                let rc = chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                total += produced
                if total > limit { return .tooLarge(limit: limit) }
                let more = chunk.withUnsafeBufferPointer { consume(UnsafeBufferPointer(rebasing: $0[0..<produced])) }
                if !more { return nil }
                switch rc {
                case Z_STREAM_END:
                    finished = true
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: the input ended before the gzip trailer.
                    return .corrupt("gzip body is truncated")
                case Z_DATA_ERROR:
                    return .corrupt(stream.msg.map { String(cString: $0) } ?? "invalid gzip data")
                default:
                    return .zlib(code: rc)
                }
            }
            if stream.avail_in != 0 { return .corrupt("unexpected bytes after the gzip stream") }
            return nil
        }
        if let result { throw result }
    }
}
