/// Why a gzip stream could not be read or written.
package enum GzipError: Error, Equatable, Sendable {
    /// The input is not a valid gzip stream (bad header, bad data, bad CRC, truncated, trailing bytes).
    case corrupt(String)
    /// The decompressed output would exceed the caller's cap.
    case tooLarge(limit: Int)
    /// zlib itself failed (out of memory, version mismatch).
    case zlib(code: Int32)
}
