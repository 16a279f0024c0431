/// A batch format read incrementally: bytes are fed as they arrive (or as gzip inflates them), in
/// chunks split anywhere, and the result never depends on where the splits fall.
package protocol StreamingBatchReader {
    /// Reads the next bytes of the body. Returns false once the outcome is settled (a syntax error,
    /// too many orders): the rest of the body need not be fed.
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool

    /// The end of the body: every order, or why nothing may be stored.
    mutating func finish() -> Result<[Order], OrderBatch.Failure>

    /// What the reader holds in memory now, estimated in bytes: its buffers and the orders collected
    /// so far (charged to the server's request memory budget as a body is read).
    var heldBytes: Int { get }
}

extension StreamingBatchReader {
    /// Reads a whole body at once (tests, bodies already in memory).
    package mutating func read(_ body: [UInt8]) -> Result<[Order], OrderBatch.Failure> {
        _ = body.withUnsafeBufferPointer { feed($0) }
        return finish()
    }
}
