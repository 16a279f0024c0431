/// Reads an NDJSON body of `POST /` (docs/contract.md §3): one order object per line, LF or CRLF line
/// ends, blank lines ignored, the whole body one atomic batch. Lines are parsed as soon as they are
/// complete; only a line split across two chunks is copied, so memory holds one line, not the body.
package struct NDJSONBatchReader: StreamingBatchReader {
    /// Longest line accepted (400 beyond): bounds the copy of a line split across chunks.
    package static let defaultMaxLineBytes = 1 << 20

    private let maxLineBytes: Int
    private var collector: BatchCollector
    /// The start of a line whose end has not arrived yet.
    private var pending: [UInt8] = []
    /// The 1-based number of the line being read, and the body offset of its first byte.
    private var line = 1
    private var lineStart = 0
    private var failure: OrderBatch.Failure?
    private var settled = false

    package init(maxOrders: Int = OrderBatch.defaultMaxOrders, maxLineBytes: Int = defaultMaxLineBytes) {
        self.collector = BatchCollector(maxOrders: maxOrders)
        self.maxLineBytes = maxLineBytes
    }

    package var heldBytes: Int { pending.capacity + collector.heldBytes }

    package mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !settled else { return false }
        var start = 0
        while start < chunk.count, !settled {
            guard let newline = chunk[start...].firstIndex(of: 0x0A) else {
                if pending.count + chunk.count - start > maxLineBytes {
                    tooLong()
                } else {
                    pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start...]))
                }
                return !settled
            }
            let piece = UnsafeBufferPointer(rebasing: chunk[start..<newline])
            if pending.isEmpty {
                readLine(piece)
            } else if pending.count + piece.count > maxLineBytes {
                tooLong()
            } else {
                pending.append(contentsOf: piece)
                let whole = pending
                whole.withUnsafeBufferPointer { readLine($0) }
                pending.removeAll(keepingCapacity: true)
            }
            lineStart += 1  // the LF
            line += 1
            start = newline + 1
        }
        return !settled
    }

    package mutating func finish() -> Result<[Order], OrderBatch.Failure> {
        if !settled && !pending.isEmpty {
            let last = pending
            pending = []
            last.withUnsafeBufferPointer { readLine($0) }
        }
        settled = true
        return failure.map { .failure($0) } ?? collector.result()
    }

    /// One complete line without its LF. Advances `lineStart` past it.
    private mutating func readLine(_ bytes: UnsafeBufferPointer<UInt8>) {
        defer { lineStart += bytes.count }
        if bytes.count > maxLineBytes { return tooLong() }
        var text = bytes[...]
        // A byte order mark may open the body (RFC 8259 §8.1 allows ignoring it; editors write one).
        var skipped = 0
        if line == 1, text.starts(with: [0xEF, 0xBB, 0xBF]) {
            text = text.dropFirst(3)
            skipped = 3
        }
        if text.last == 0x0D { text = text.dropLast() }  // CRLF line ends
        if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }  // a blank line
        do {
            let item = try JSONParser.parse(UnsafeBufferPointer(rebasing: text))
            if !collector.add(item, line: line) { settled = true }
        } catch {
            // The parser saw one line: its column is the column in the body's line `line`.
            fail(error.reason, column: error.column + skipped)
        }
    }

    private mutating func tooLong() {
        fail("line longer than \(maxLineBytes) bytes", column: 1)
    }

    private mutating func fail(_ reason: String, column: Int) {
        failure = .malformed(
            JSONSyntaxError(reason: reason, offset: lineStart + column - 1, line: line, column: column))
        settled = true
    }
}
