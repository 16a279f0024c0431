import HTTPServer
import OrderCore
import Storage

/// `GET /`: the latest version of every order, streamed in order_id order (docs/contract.md §3).
extension OrderService {
    static let latestParameters: Set<String> = ["status", "since", "limit", "after"]

    func latest(_ request: HTTPRequest) -> HTTPResponse {
        guard let query = QueryParameters(request.head.query) else {
            return Problem(status: 400, detail: "the query string is not valid percent-encoded UTF-8").response
        }
        if let unknown = query.names.first(where: { !OrderService.latestParameters.contains($0) }) {
            return Problem(
                status: 400,
                detail: "unknown query parameter \"\(unknown.prefix(64))\"; use status, since, limit or after"
            ).response
        }
        if let repeated = query.duplicates.first {
            return Problem(status: 400, detail: "query parameter \"\(repeated)\" is given more than once").response
        }
        var filter = LatestFilter()
        filter.after = query["after"]
        filter.status = query["status"]
        if let since = query["since"] {
            guard let time = Timestamp(rfc3339: since) else {
                return Problem(
                    status: 400, detail: "since must be an RFC 3339 date-time with offset or a YYYY-MM-DD date"
                ).response
            }
            filter.ingestedSince = time.millisecondsText
        }
        guard let limitText = query["limit"] else { return streamAll(filter) }
        guard let limit = Int(limitText), (1...configuration.maxPageSize).contains(limit) else {
            return Problem(status: 400, detail: "limit must be an integer from 1 to \(configuration.maxPageSize)")
                .response
        }
        return page(filter, limit: limit, query: query)
    }

    /// One page, assembled in memory (bounded by `maxPageSize`) so the `Link` header can say whether
    /// another page follows: one row more than asked for is read to find out.
    private func page(_ filter: LatestFilter, limit: Int, query: QueryParameters) -> HTTPResponse {
        var writer = JSONWriter(capacity: 64 * 1024)
        var lastID: String?
        var count = 0
        do {
            writer.raw("[")
            _ = try store.latest(filter, limit: limit + 1) { row in
                count += 1
                guard count <= limit else { return }
                if count > 1 { writer.raw(",") }
                writer.raw("\n")
                OrderService.writeLatestRow(row, into: &writer)
                if count == limit { lastID = row.string(.orderID) }
            }
            writer.raw(count > 0 ? "\n]\n" : "]\n")
        } catch {
            return storeFailure(StoreError.wrapping(error))
        }
        var response = HTTPResponse(status: 200, contentType: "application/json", body: writer.bytes)
        if count > limit, let lastID {
            var parts = ["limit=\(limit)", "after=\(PercentEncoding.encode(lastID))"]
            if let status = query["status"] { parts.append("status=\(PercentEncoding.encode(status))") }
            if let since = query["since"] { parts.append("since=\(PercentEncoding.encode(since))") }
            response.headers.add("Link", "</?\(parts.joined(separator: "&"))>; rel=\"next\"")
        }
        return response
    }

    /// Every matching order, streamed: each chunk of rows is read in its own short read transaction and
    /// then written, so memory stays constant and no snapshot is held while the client reads slowly.
    /// The first chunk is read before answering, so a database error is still a proper problem
    /// document; a result that fits in one chunk goes out with a Content-Length.
    private func streamAll(_ filter: LatestFilter) -> HTTPResponse {
        var chunks = LatestChunks(store: store, filter: filter, rowsPerChunk: configuration.streamChunkRows)
        var writer = JSONWriter(capacity: 512 * 1024)
        let more: Bool
        do {
            more = try chunks.next(into: &writer)
        } catch {
            return storeFailure(StoreError.wrapping(error))
        }
        guard more else { return HTTPResponse(status: 200, contentType: "application/json", body: writer.bytes) }
        let firstChunk = writer.bytes
        let rest = chunks
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json")
        return HTTPResponse(
            status: 200, headers: headers,
            body: .stream { sink in
                try sink.write(firstChunk)
                var chunks = rest
                var writer = JSONWriter(capacity: 512 * 1024)
                while try chunks.next(into: &writer) {
                    try sink.write(writer.bytes)
                    writer.bytes.removeAll(keepingCapacity: true)
                }
                try sink.write(writer.bytes)
            })
    }

    /// One `GET /` row as JSON, straight from the engine's text (no intermediate strings).
    static func writeLatestRow(_ row: any LatestOrderRow, into writer: inout JSONWriter) {
        writer.raw("{\"order_id\":")
        field(row, .orderID, &writer)
        writer.raw(",\"order_date\":")
        field(row, .orderDate, &writer)
        writer.raw(",\"order_status\":")
        field(row, .status, &writer)
        writer.raw(",\"order_details\":")
        field(row, .details, &writer)
        writer.raw(",\"updated_at\":")
        field(row, .updatedAt, &writer)
        writer.raw(",\"ingested_at\":")
        field(row, .ingestedAt, &writer)
        writer.raw(",\"versions\":")
        writer.integer(row.versions)
        writer.raw("}")
    }

    private static func field(_ row: any LatestOrderRow, _ field: LatestField, _ writer: inout JSONWriter) {
        row.withText(field) { text in
            if let text { writer.string(text) } else { writer.raw("null") }
        }
    }
}

/// `GET /` in chunks of rows, each read in its own short read transaction, resuming after the last
/// order_id written. Writes the array's brackets too, so the chunks concatenate to one JSON array.
struct LatestChunks: Sendable {
    let store: any OrderDatabase
    var filter: LatestFilter
    let rowsPerChunk: Int
    private var opened = false
    private var wroteRow = false
    private var finished = false

    init(store: any OrderDatabase, filter: LatestFilter, rowsPerChunk: Int) {
        self.store = store
        self.filter = filter
        self.rowsPerChunk = rowsPerChunk
    }

    /// Appends the next chunk; true while more may follow, false once the closing bracket is written.
    mutating func next(into writer: inout JSONWriter) throws -> Bool {
        guard !finished else { return false }
        if !opened {
            writer.raw("[")
            opened = true
        }
        var rows = 0
        var wrote = wroteRow
        var after = filter.after
        let filter = filter
        rows = try store.latest(filter, limit: rowsPerChunk) { row in
            if wrote { writer.raw(",") }
            wrote = true
            writer.raw("\n")
            OrderService.writeLatestRow(row, into: &writer)
            after = row.string(.orderID)
        }
        wroteRow = wrote
        self.filter.after = after
        if rows < rowsPerChunk {
            writer.raw(wroteRow ? "\n]\n" : "]\n")
            finished = true
            return false
        }
        return true
    }
}
