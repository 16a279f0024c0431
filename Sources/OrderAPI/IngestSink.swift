import Gzip
import HTTPServer
import OrderCore

/// Reads an NDJSON or CSV body of `POST /` as it arrives from the socket (docs/contract.md §3, body
/// formats): each piece is inflated when the body is gzip and handed to the format's reader at once,
/// so neither the body nor its decompressed form is ever held whole, only the line being read.
/// `@unchecked Sendable`: one connection thread feeds it and then hands it to `handle` on the same
/// thread (`HTTPBodySink`); nothing else ever sees it.
final class IngestSink: HTTPBodySink, @unchecked Sendable {
    private var reader: any StreamingBatchReader
    private let inflater: InflateStream?
    /// The first gzip error; the rest of the body is then ignored.
    private var gzipError: GzipError?
    /// False once the reader's outcome is settled: later pieces are not read.
    private var reading = true

    /// A sink for `reader`, inflating first when `gzipLimit` is given (the cap on the inflated body).
    init(reader: any StreamingBatchReader, gzipLimit: Int?) throws(GzipError) {
        self.reader = reader
        inflater = try gzipLimit.map { limit throws(GzipError) in try InflateStream(limit: limit) }
    }

    func consume(_ bytes: [UInt8]) {
        guard reading, gzipError == nil else { return }
        bytes.withUnsafeBufferPointer { piece in
            guard let inflater else {
                reading = reader.feed(piece)
                return
            }
            do throws(GzipError) {
                reading = try inflater.feed(piece) { reader.feed($0) }
            } catch {
                gzipError = error
            }
        }
    }

    /// The end of the body: the batch, or why it may not be stored; a gzip error comes first.
    func finish() throws(GzipError) -> Result<[Order], OrderBatch.Failure> {
        if let gzipError { throw gzipError }
        if reading, let inflater { try inflater.finish() }
        return reader.finish()
    }
}
