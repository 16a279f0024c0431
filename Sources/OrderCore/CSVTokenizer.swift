/// Splits CSV bytes into records as RFC 4180 §2 defines them, one byte at a time so that a body may
/// arrive in chunks split anywhere: fields separated by commas, records by CRLF or LF, a field in
/// double quotes may hold commas, quotes (doubled) and line breaks. Blank lines are skipped; a byte
/// order mark at the very start is skipped. Everything else that RFC 4180 does not allow is an error
/// with its line and column, never a guess: a quote inside an unquoted field, text after a closing
/// quote, a CR without LF, a NUL byte, invalid UTF-8, an unterminated quoted field.
struct CSVTokenizer {
    /// Bounds on one record (docs/contract.md §3, Limits): its bytes, and its fields.
    let maxRecordBytes: Int
    let maxFields: Int

    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted, afterCR
    }

    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var recordBytes = 0
    /// Where the reader is: the body offset of the next byte, its line, and the offset that line starts at.
    private var offset = 0
    private var line = 1
    private var lineStart = 0
    /// The line the current record starts on (a quoted field may span lines).
    private var recordLine = 1
    /// The line a quoted field was opened on, for the message when it never closes.
    private var quoteLine = 1
    /// How much of a leading byte order mark has been seen (3 once it is skipped or ruled out).
    private var markSeen = 0
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    init(maxRecordBytes: Int, maxFields: Int) {
        self.maxRecordBytes = maxRecordBytes
        self.maxFields = maxFields
    }

    /// Bytes this tokenizer holds (the record being read: its finished fields and the open one).
    var heldBytes: Int { field.capacity + recordBytes + fields.capacity * MemoryLayout<String>.stride }

    /// A complete record: its fields and the line it starts on.
    struct Record {
        let fields: [String]
        let line: Int
    }

    /// Reads one byte; returns the record it completes, if any.
    mutating func consume(_ byte: UInt8) throws(JSONSyntaxError) -> Record? {
        if markSeen < 3 {
            if offset == markSeen && byte == CSVTokenizer.byteOrderMark[markSeen] {
                markSeen += 1
                offset += 1
                if markSeen == 3 { lineStart = 3 }
                return nil
            }
            // Not a mark after all: the bytes held back are data (they can complete no record).
            let held = markSeen
            markSeen = 3
            offset = 0
            for index in 0..<held { _ = try step(CSVTokenizer.byteOrderMark[index]) }
        }
        return try step(byte)
    }

    /// The end of the body: the last record when it has no line break after it.
    mutating func finish() throws(JSONSyntaxError) -> Record? {
        if markSeen < 3 {
            let held = markSeen
            markSeen = 3
            offset = 0
            for index in 0..<held { _ = try step(CSVTokenizer.byteOrderMark[index]) }
        }
        switch state {
        case .quoted:
            throw error("unterminated quoted field (opened on line \(quoteLine))")
        case .fieldStart where fields.isEmpty && recordBytes == 0:
            return nil
        default:
            return try endRecord()
        }
    }

    private mutating func step(_ byte: UInt8) throws(JSONSyntaxError) -> Record? {
        if byte == 0 { throw error("NUL byte") }
        defer { offset += 1 }
        // Every byte of a record counts but its line end (line breaks inside quotes are data and count).
        if state == .quoted || (byte != 0x0A && byte != 0x0D) {
            recordBytes += 1
            if recordBytes > maxRecordBytes { throw error("record longer than \(maxRecordBytes) bytes") }
        }
        switch (state, byte) {
        case (.afterCR, 0x0A):
            return try lineEnd()
        case (.afterCR, _):
            throw error("CR not followed by LF outside quotes")
        case (.quoted, UInt8(ascii: "\"")):
            state = .quoteInQuoted
        case (.quoted, _):
            if byte == 0x0A { newLine() }
            field.append(byte)
        case (.quoteInQuoted, UInt8(ascii: "\"")):
            field.append(byte)
            state = .quoted
        case (_, UInt8(ascii: ",")):
            try endField()
            state = .fieldStart
        case (_, 0x0D):
            state = .afterCR
        case (_, 0x0A):
            return try lineEnd()
        case (.quoteInQuoted, _):
            throw error("unexpected character after a closing quote (a quote inside a quoted field is written \"\")")
        case (.fieldStart, UInt8(ascii: "\"")):
            quoteLine = line
            state = .quoted
        case (.unquoted, UInt8(ascii: "\"")):
            throw error("quote inside an unquoted field (quote the whole field and double the quote)")
        case (.fieldStart, _), (.unquoted, _):
            field.append(byte)
            state = .unquoted
        }
        return nil
    }

    /// LF (or CRLF) outside quotes: the record ends, unless the line was blank.
    private mutating func lineEnd() throws(JSONSyntaxError) -> Record? {
        let blank = fields.isEmpty && recordBytes == 0
        let record = blank ? nil : try endRecord()
        newLine()
        recordLine = line
        state = .fieldStart
        return record
    }

    private mutating func endRecord() throws(JSONSyntaxError) -> Record {
        try endField()
        let record = Record(fields: fields, line: recordLine)
        fields = []
        recordBytes = 0
        return record
    }

    private mutating func endField() throws(JSONSyntaxError) {
        if fields.count >= maxFields { throw error("more than \(maxFields) fields in one record") }
        guard let text = String(validating: field, as: UTF8.self) else { throw error("invalid UTF-8 in a field") }
        fields.append(text)
        field.removeAll(keepingCapacity: true)
    }

    /// Called with `offset` at the LF.
    private mutating func newLine() {
        line += 1
        lineStart = offset + 1
    }

    private func error(_ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(reason: reason, offset: offset, line: line, column: offset - lineStart + 1)
    }
}
