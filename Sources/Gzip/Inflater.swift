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
        let stream = try InflateStream(limit: limit)
        let result: Result<Bool, GzipError> = input.withUnsafeBufferPointer { source in
            do throws(GzipError) {
                return .success(try stream.feed(source, consume))
            } catch {
                return .failure(error)
            }
        }
        if try result.get() { try stream.finish() }
    }
}
