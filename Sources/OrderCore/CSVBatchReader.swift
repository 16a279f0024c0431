/// Reads a CSV body of `POST /` (docs/contract.md §3): a header row naming the columns, then one order
/// per record, the whole body one atomic batch. Column names are trimmed and compared without regard
/// to case. Each row becomes the JSON object a JSON client would have sent: `order_id`, `order_date`,
/// `order_status`, `updated_at` and `order_details` as strings, `order_details_json` parsed as JSON
/// into `order_details`, every other column a string member kept in the payload; an empty cell is an
/// absent field. So the same orders give the same stored rows in every format.
package struct CSVBatchReader: StreamingBatchReader {
    /// Longest record accepted, in bytes (400 beyond).
    package static let defaultMaxRecordBytes = 1 << 20
    /// Most fields in one record (400 beyond).
    package static let defaultMaxFields = 1_000
    /// Columns every CSV body must have.
    package static let requiredColumns = ["order_id", "order_date", "order_status"]
    /// The column whose cells are JSON texts, stored as `order_details` like a JSON body's value.
    package static let detailsJSONColumn = "order_details_json"

    private var tokenizer: CSVTokenizer
    private var collector: BatchCollector
    /// The normalised column names, once the header row was read.
    private var columns: [String]?
    private var failure: OrderBatch.Failure?
    private var settled = false

    package init(
        maxOrders: Int = OrderBatch.defaultMaxOrders, maxRecordBytes: Int = defaultMaxRecordBytes,
        maxFields: Int = defaultMaxFields
    ) {
        tokenizer = CSVTokenizer(maxRecordBytes: maxRecordBytes, maxFields: maxFields)
        collector = BatchCollector(maxOrders: maxOrders)
    }

    package var heldBytes: Int { tokenizer.heldBytes + collector.heldBytes }

    package mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !settled else { return false }
        do {
            for byte in chunk {
                if let record = try tokenizer.consume(byte) { read(record) }
                if settled { break }
            }
        } catch {
            failure = .malformedCSV(error)
            settled = true
        }
        return !settled
    }

    package mutating func finish() -> Result<[Order], OrderBatch.Failure> {
        if !settled {
            do {
                if let record = try tokenizer.finish() { read(record) }
                if columns == nil && failure == nil {
                    failure = .malformedCSV(
                        JSONSyntaxError(
                            reason: "the body is empty: a CSV body starts with a header row naming its columns",
                            offset: 0, line: 1, column: 1))
                }
            } catch {
                failure = .malformedCSV(error)
            }
            settled = true
        }
        return failure.map { .failure($0) } ?? collector.result()
    }

    private mutating func read(_ record: CSVTokenizer.Record) {
        guard let columns else {
            let names = record.fields.map { OrderValidator.trim($0).lowercased() }
            if let reason = CSVBatchReader.headerProblem(names) {
                failure = .malformedCSV(JSONSyntaxError(reason: reason, offset: 0, line: record.line, column: 1))
                settled = true
            } else {
                columns = names
            }
            return
        }
        let index = collector.count
        guard record.fields.count == columns.count else {
            let problem = "has \(record.fields.count) fields, but the header has \(columns.count)"
            if !collector.reject(ItemProblem(index: index, field: nil, problem: problem, line: record.line)) {
                settled = true
            }
            return
        }
        var members: [(name: String, value: JSONValue)] = []
        members.reserveCapacity(columns.count)
        for (name, cell) in zip(columns, record.fields) where !cell.isEmpty {
            guard name == CSVBatchReader.detailsJSONColumn else {
                members.append((name, .string(cell)))
                continue
            }
            do {
                members.append(("order_details", try JSONParser.parse(Array(cell.utf8))))
            } catch {
                let problem = ItemProblem(
                    index: index, field: name, problem: "is not valid JSON: \(error)", line: record.line)
                if !collector.reject(problem) { settled = true }
                return
            }
        }
        // Names are unique: `header` refused duplicates and order_details beside order_details_json.
        guard case .success(let object) = JSONObject.make(members) else {
            // Unreachable while `header` refuses duplicate names; a row is never dropped silently.
            let problem = ItemProblem(
                index: index, field: nil, problem: "has two columns of one name", line: record.line)
            if !collector.reject(problem) { settled = true }
            return
        }
        if !collector.add(.object(object), line: record.line) { settled = true }
    }

    /// Why the normalised column names of a header row cannot be one, or nil when they can.
    static func headerProblem(_ names: [String]) -> String? {
        var seen: Set<String> = []
        for (position, name) in names.enumerated() {
            if name.isEmpty { return "column \(position + 1) of the header row has no name" }
            if !seen.insert(name).inserted {
                return "column \"\(name.prefix(64))\" appears twice in the header row (names ignore case)"
            }
        }
        let missing = requiredColumns.filter { !seen.contains($0) }
        if !missing.isEmpty {
            let list = missing.map { "\"\($0)\"" }.joined(separator: ", ")
            return "the header row has no \(list) column: a CSV body needs a header row with order_id, order_date "
                + "and order_status"
        }
        if seen.contains("order_details") && seen.contains(detailsJSONColumn) {
            return "the header row has both order_details and order_details_json: use one of them"
        }
        return nil
    }
}
