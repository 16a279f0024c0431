internal import CZlib

/// Inflates one gzip stream (RFC 1952) fed in pieces, as a body arrives, with a hard cap on the output:
/// the output is handed on in pieces of at most 64 KiB and never held whole. After `finish` (or an
/// error) the stream is spent.
package final class InflateStream {
    private let limit: Int
    /// zlib keeps a pointer back to its `z_stream` (inflateStateCheck compares it): the struct must not
    /// move, so it lives in its own allocation, not in a Swift property.
    private let stream: UnsafeMutablePointer<z_stream>
    private let chunk: UnsafeMutableBufferPointer<UInt8>
    private var total = 0
    private var ended = false
    private var initialized = false

    /// The memory one stream holds, about: its 64 KiB output buffer, zlib's 32 KiB window and its state.
    package static let heldBytes = 104 * 1024

    /// A stream whose output may not pass `limit` bytes.
    package init(limit: Int) throws(GzipError) {
        self.limit = limit
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        chunk = .allocate(capacity: 64 * 1024)
        guard czlib_inflate_init_gzip(stream) == Z_OK else { throw .zlib(code: Z_MEM_ERROR) }
        initialized = true
    }

    deinit {
        if initialized { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        chunk.deallocate()
    }

    /// Inflates the next input bytes, handing each piece of output to `consume`. Returns false when
    /// `consume` did (the caller needs no more; the rest is not checked). Throws `.tooLarge` as soon as
    /// the output would pass the limit, `.corrupt` for invalid data or bytes after the stream's end.
    package func feed(
        _ input: UnsafeBufferPointer<UInt8>, _ consume: (UnsafeBufferPointer<UInt8>) -> Bool
    ) throws(GzipError) -> Bool {
        if ended {
            if input.isEmpty { return true }
            throw .corrupt("unexpected bytes after the gzip stream")
        }
        // zlib counts input in 32 bits: a larger buffer (a whole JSON body under a large MAX_BODY_BYTES)
        // goes in slices.
        let sliceLimit = Int(UInt32.max)
        if input.count > sliceLimit {
            var start = 0
            while start < input.count {
                let end = min(input.count, start + sliceLimit)
                guard try feed(UnsafeBufferPointer(rebasing: input[start..<end]), consume) else { return false }
                start = end
            }
            return true
        }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.pointee.avail_in = UInt32(input.count)
        defer {
            // The input is only borrowed for this call.
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        while true {
            stream.pointee.next_out = chunk.baseAddress
            stream.pointee.avail_out = UInt32(chunk.count)
            let rc = inflate(stream, Z_NO_FLUSH)
            let produced = chunk.count - Int(stream.pointee.avail_out)
            total += produced
            if total > limit { throw .tooLarge(limit: limit) }
            if produced > 0 && !consume(UnsafeBufferPointer(rebasing: chunk[0..<produced])) { return false }
            switch rc {
            case Z_STREAM_END:
                ended = true
                if stream.pointee.avail_in != 0 { throw .corrupt("unexpected bytes after the gzip stream") }
                return true
            case Z_OK, Z_BUF_ERROR:
                // Z_BUF_ERROR: no progress without more input; Z_OK: go on while input or output remains.
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 { return true }
                if rc == Z_BUF_ERROR { return true }
            case Z_DATA_ERROR:
                throw .corrupt(stream.pointee.msg.map { String(cString: $0) } ?? "invalid gzip data")
            default:
                throw .zlib(code: rc)
            }
        }
    }

    /// The end of the input: throws `.corrupt` when the gzip stream did not end (its trailer is missing).
    package func finish() throws(GzipError) {
        if !ended { throw .corrupt("gzip body is truncated") }
    }
}
