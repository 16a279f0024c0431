import HTTPServer
import OrderCore
import Storage
import Threads

/// `GET /views` and `GET /views/{name}`: the views of `sql/views/` as JSON, CSV or NDJSON.
extension OrderService {
    func listViews() -> HTTPResponse {
        let catalog: ViewCatalog
        do {
            catalog = try viewCatalog()
        } catch {
            return storeFailure(StoreError.wrapping(error))
        }
        var writer = JSONWriter(capacity: 2_048)
        writer.raw("{\"views\":[")
        for (index, view) in catalog.views.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw("\n{\"name\":")
            writer.string(view.name)
            writer.raw(",\"description\":")
            writer.string(view.description)
            writer.raw(",\"columns\":[")
            writer.raw(
                view.columns.map { column -> String in
                    var field = JSONWriter(capacity: 32)
                    field.string(column)
                    return String(decoding: field.bytes, as: UTF8.self)
                }.joined(separator: ","))
            writer.raw("],\"key\":[")
            writer.raw(view.key.map { "\"\($0)\"" }.joined(separator: ","))
            writer.raw("]}")
        }
        writer.raw("\n]}\n")
        return HTTPResponse(status: 200, contentType: "application/json", body: writer.bytes)
    }

    func viewRows(_ request: HTTPRequest) -> HTTPResponse {
        let catalog: ViewCatalog
        do {
            catalog = try viewCatalog()
        } catch {
            return storeFailure(StoreError.wrapping(error))
        }
        guard let name = request.parameters["name"], let view = catalog.view(named: name) else {
            return Problem(status: 404, detail: "no such view; GET /views lists them").response
        }
        let parsed: (query: ViewQuery, format: ViewFormat)
        switch parseViewRequest(request, view: view) {
        case .success(let value): parsed = value
        case .failure(let problem): return problem.response
        }
        // ETag, 304 and Cache-Control: OrderService+Caching.
        return streamView(parsed.query, format: parsed.format, path: request.head.path)
    }

    /// Parameters: `format`, `limit`, `cursor`; every other one is a filter on a column (`ViewFilter`).
    private func parseViewRequest(_ request: HTTPRequest, view: ViewCatalog.View) -> Result<
        (ViewQuery, ViewFormat), Problem
    > {
        guard let parameters = QueryParameters(request.head.query) else {
            return .failure(Problem(status: 400, detail: "the query string is not valid percent-encoded UTF-8"))
        }
        if let repeated = parameters.duplicates.first {
            return .failure(
                Problem(status: 400, detail: "query parameter \"\(repeated.prefix(64))\" is given more than once"))
        }
        var query = ViewQuery(view: view)
        var format = ViewFormat.json
        if let accept = request.headers["accept"]?.lowercased() {
            if accept.contains("text/csv") { format = .csv } else if accept.contains("ndjson") { format = .ndjson }
        }
        query.limit = configuration.viewDefaultLimit
        let filterCount = parameters.names.count { !["format", "limit", "cursor"].contains($0) }
        guard filterCount <= ViewFilter.maxFilters else {
            return .failure(Problem(status: 400, detail: "\(ViewFilter.Refusal.tooMany(limit: ViewFilter.maxFilters))"))
        }
        for name in parameters.names {
            let value = parameters[name] ?? ""
            switch name {
            case "format":
                guard let chosen = ViewFormat(rawValue: value) else {
                    return .failure(Problem(status: 400, detail: "format must be json, csv or ndjson"))
                }
                format = chosen
            case "limit":
                if value == "all" {
                    query.limit = nil
                } else if let limit = Int(value), (1...configuration.viewMaxLimit).contains(limit) {
                    query.limit = limit
                } else {
                    return .failure(
                        Problem(
                            status: 400,
                            detail: "limit must be an integer from 1 to \(configuration.viewMaxLimit), or all"))
                }
            case "cursor":
                guard let cursor = ViewCursor.decode(value, for: view) else {
                    return .failure(
                        Problem(status: 400, detail: "cursor is not a cursor of this view; use the Link header"))
                }
                query.cursor = cursor
            default:
                do {
                    query.filters.append(try ViewFilter(name: name, value: value, view: view))
                } catch {
                    return .failure(Problem(status: 400, detail: error.description))
                }
            }
        }
        return .success((query, format))
    }

    /// A page (`limit` rows at most, read whole so the `Link` header can say whether more follow), or with
    /// `limit=all` every row, streamed: the first chunk is read before answering so an error is still a
    /// problem document. The time limit counts the database's work only, not the time a slow client takes.
    private func streamView(_ query: ViewQuery, format: ViewFormat, path: Substring) -> HTTPResponse {
        let timeLimit = configuration.viewQueryTimeoutSeconds
        let stream: any ViewRows
        do {
            stream = try store.openView(query, extraRow: true, deadline: Threads.monotonicSeconds() + timeLimit)
        } catch {
            return viewFailure(error)
        }
        var writer = JSONWriter(capacity: 64 * 1024)
        format.begin(columns: query.view.columns, into: &writer)
        let columns = query.view.columns
        var headers = HTTPHeaders()
        headers.add("Content-Type", format.contentType)
        let started = Threads.monotonicSeconds()
        var rows = 0
        let chunk = query.limit ?? configuration.streamChunkRows
        var next: ViewQuery.Cursor?
        var more = false
        do {
            while try stream.step() {
                if rows == chunk {
                    more = true
                    break
                }
                format.row(stream, columns: columns, index: rows, into: &writer)
                rows += 1
                if rows == chunk { next = query.cursorAfter(stream, rowsSoFar: rows) }
            }
        } catch {
            return viewFailure(error)
        }
        if query.limit != nil || !more {
            if more, let next {
                headers.add("Link", "<\(path)?\(linkQuery(query, format: format, cursor: next))>; rel=\"next\"")
            }
            stream.finish()
            format.end(rows: rows, into: &writer)
            return HTTPResponse(status: 200, headers: headers, body: .bytes(writer.bytes))
        }
        // limit=all and more rows than one chunk: stream the rest from the same statement. The row the
        // loop above stopped on is the current one and is written first.
        let first = writer.bytes
        let firstCount = rows
        let computed = Threads.monotonicSeconds() - started
        let chunkRows = configuration.streamChunkRows
        return HTTPResponse(
            status: 200, headers: headers,
            body: .stream { sink in
                defer { stream.finish() }
                var compute = computed
                try sink.write(first)
                var writer = JSONWriter(capacity: 64 * 1024)
                var rows = firstCount
                var hasRow = true
                while hasRow {
                    stream.setDeadline(Threads.monotonicSeconds() + timeLimit - compute)
                    let chunkStart = Threads.monotonicSeconds()
                    var inChunk = 0
                    while hasRow && inChunk < chunkRows {
                        format.row(stream, columns: columns, index: rows, into: &writer)
                        rows += 1
                        inChunk += 1
                        hasRow = try stream.step()
                    }
                    compute += Threads.monotonicSeconds() - chunkStart
                    try sink.write(writer.bytes)
                    writer.bytes.removeAll(keepingCapacity: true)
                }
                format.end(rows: rows, into: &writer)
                try sink.write(writer.bytes)
            })
    }

    private func linkQuery(_ query: ViewQuery, format: ViewFormat, cursor: ViewQuery.Cursor) -> String {
        var parts: [String] = []
        for filter in query.filters {
            let value: String
            switch filter.value {
            case .integer(let number): value = String(number)
            case .real(let number): value = ViewFormat.number(number) ?? ""
            case .text(let text): value = text
            }
            parts.append("\(PercentEncoding.encode(filter.parameterName))=\(PercentEncoding.encode(value))")
        }
        if format != .json { parts.append("format=\(format.rawValue)") }
        if let limit = query.limit { parts.append("limit=\(limit)") }
        parts.append("cursor=\(PercentEncoding.encode(ViewCursor.encode(cursor)))")
        return parts.joined(separator: "&")
    }

    private func viewFailure(_ error: any Error) -> HTTPResponse {
        let failure = StoreError.wrapping(error)
        if case .timedOut = failure {
            return Problem(
                status: 503,
                detail:
                    "the view query ran longer than \(Int(configuration.viewQueryTimeoutSeconds)) s and was stopped; filter or page it"
            ).response
        }
        return storeFailure(failure)
    }
}
