import Gzip
import HTTPServer
import OrderCore

/// Reads the body of `POST /` as it arrives from the socket (docs/contract.md §3, body formats): each
/// piece is inflated when the body is gzip and handed to the format's reader at once. NDJSON and CSV
/// readers hold only the line or record being read and the orders so far; the JSON reader holds the
/// body until it is whole, then the orders. Neither the compressed body nor a second copy is kept.
///
/// What the sink holds (the reader's buffers and orders, the inflater) is charged to the request's
/// share of the memory budget (`RequestMemory`) after every piece and while a JSON body is parsed;
/// once that is refused, the sink stops reading and the server answers 503.
///
/// `@unchecked Sendable`: one connection thread feeds it and then hands it to `handle` on the same
/// thread (`HTTPBodySink`); nothing else ever sees it.
final class IngestSink: HTTPBodySink, @unchecked Sendable {
    private var reader: any StreamingBatchReader
    private var inflater: InflateStream?
    /// The first gzip error; the rest of the body is then ignored.
    private var gzipError: GzipError?
    /// False once the reader's outcome is settled: later pieces are not read.
    private var reading = true
    private let memory: RequestMemory?

    /// A sink for `reader`, inflating first when `gzipLimit` is given (the cap on the inflated body),
    /// charging what it holds to `memory` when given.
    init(reader: any StreamingBatchReader, gzipLimit: Int?, memory: RequestMemory?) throws(GzipError) {
        self.reader = reader
        self.memory = memory
        inflater = try gzipLimit.map { limit throws(GzipError) in try InflateStream(limit: limit) }
    }

    /// True once the memory budget refused what this sink would hold: nothing may be stored, the
    /// answer is 503.
    var overBudget: Bool { memory?.refused ?? false }

    /// What the sink holds now: the reader's buffers and orders, and the inflater.
    private var heldBytes: Int { reader.heldBytes + (inflater == nil ? 0 : InflateStream.heldBytes) }

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
        if let memory, !memory.hold(heldBytes) { reading = false }
    }

    /// The end of the body: the batch, or why it may not be stored; a gzip error comes first. When
    /// `overBudget` is true afterwards, the result must not be used.
    func finish() throws(GzipError) -> Result<[Order], OrderBatch.Failure> {
        if let gzipError { throw gzipError }
        if reading, let inflater { try inflater.finish() }
        inflater = nil
        let result = reader.finish()
        memory?.hold(heldBytes)
        return result
    }

    /// A JSON reader that tells `memory` what it holds while it parses (the inflater's part included).
    static func jsonReader(expectedBytes: Int?, gzip: Bool, memory: RequestMemory?) -> JSONBatchReader {
        guard let memory else { return JSONBatchReader(expectedBytes: expectedBytes) }
        let extra = gzip ? InflateStream.heldBytes : 0
        return JSONBatchReader(expectedBytes: gzip ? nil : expectedBytes) { held in memory.hold(held + extra) }
    }
}
