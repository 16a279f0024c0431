internal import CZlib

/// A streaming gzip compressor: feed it chunks, collect compressed bytes, finish once.
/// Not thread-safe: one response body owns one deflater.
package final class Deflater {
    private var stream = z_stream()
    private var ended = false
    private var outputBuffer = [UInt8](repeating: 0, count: 32 * 1024)

    /// `level` 1 (fastest) to 9 (smallest); 1 is what nginx uses by default and suits JSON well.
    package init(level: Int32 = 1) throws(GzipError) {
        guard czlib_deflate_init_gzip(&stream, level) == Z_OK else { throw .zlib(code: Z_MEM_ERROR) }
    }

    deinit {
        if !ended { deflateEnd(&stream) }
    }

    /// Compresses `input`, calling `emit` with compressed output as it becomes available.
    package func compress(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !input.isEmpty else { return }
        try run(input, flush: Z_NO_FLUSH, emit: emit)
    }

    /// Flushes everything and writes the gzip trailer.
    package func finish(emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !ended else { return }
        try run(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH, emit: emit)
        deflateEnd(&stream)
        ended = true
    }

    private func run(_ input: UnsafeRawBufferPointer, flush: Int32, emit: (UnsafeRawBufferPointer) throws -> Void)
        throws
    {
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        stream.avail_in = UInt32(input.count)
        while true {
            let (rc, produced) = outputBuffer.withUnsafeMutableBufferPointer { target in
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                let rc = deflate(&stream, flush)
                return (rc, target.count - Int(stream.avail_out))
            }
            guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else { throw GzipError.zlib(code: rc) }
            if produced > 0 {
                try outputBuffer.withUnsafeBytes { try emit(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
            }
            if flush == Z_FINISH {
                if rc == Z_STREAM_END { return }
            } else if stream.avail_in == 0 && stream.avail_out != 0 {
                return
            }
        }
    }

    /// Compresses a whole buffer in one go.
    package static func gzip(_ input: [UInt8], level: Int32 = 1) throws -> [UInt8] {
        let deflater = try Deflater(level: level)
        var output: [UInt8] = []
        try input.withUnsafeBytes { bytes in
            try deflater.compress(bytes) { output.append(contentsOf: $0) }
        }
        try deflater.finish { output.append(contentsOf: $0) }
        return output
    }
}
